-- regulation_jobs_max_size_tail_drop.lua
-- otp-semantics §7.1 (jobs): "max_size: when the queue is full, the server first purges
-- timed-out jobs. If none timed out, the NEW request is rejected ({error,rejected}): tail-drop.
-- If the queue is full and the jobs_server's own mailbox is over 100 messages, the new request
-- is rejected at once, without purging."
-- Three queues, each behind one slot held for the whole run:
--   tail:    A and B fill max_size 2; C is rejected at once; A and B stay queued (they time
--            out later, at max_time): the new request is the one dropped.
--   purge:   A and B fill the queue; the server is suspended (sys) while C's ask waits in its
--            mailbox; resumed at 150, it finds the queue full, purges A and B (older than
--            max_time 100) and queues C instead of rejecting it.
--   swamped: A fills max_size 1; the server is suspended while 101 clients ask; resumed, the
--            first ask sees 100 asks + the check timer = 101 > 100 messages behind it and is
--            rejected without purging; the second sees 100 and purges A (timed out) and is
--            queued; the rest find the queue full with nothing timed out and are rejected.
-- Rejections are "regulator" trace events with reason full | overload and count in
-- jobs.<queue>.rejected; timeouts in jobs.<queue>.timeout.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local rejects, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[4] == "reject" then
    rejects[a[2]] = rejects[a[2]] or {}
    table.insert(rejects[a[2]], a[6])
  end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local got = {tail = {}, purge = {}, swamped = {}}

local function client(q, who, t)
  sim.at(t, function()
    sim.spawn("n", function()
      local ok, why = otp.jobs.ask(q)
      got[q][who] = {ok or why, otp.now()}
      if ok then otp.sleep(100000) end           -- holds its slot for the rest of the run
    end)
  end)
end

local function admin(t, fn) sim.at(t, function() sim.spawn("n", fn) end) end

admin(0, function()
  otp.jobs.add_queue("tail", {counter = 1, max_size = 2, max_time = 100})
  otp.jobs.add_queue("purge", {counter = 1, max_size = 2, max_time = 100})
  otp.jobs.add_queue("swamped", {counter = 1, max_size = 1, max_time = 50})
end)

client("tail", "holder", 1)
client("tail", "A", 10)
client("tail", "B", 20)
client("tail", "C", 30)

client("purge", "holder", 1)
client("purge", "A", 10)
client("purge", "B", 20)
admin(40, function() otp.sys.suspend(otp.jobs.server_name("purge")) end)
client("purge", "C", 50)
admin(150, function() otp.sys.resume(otp.jobs.server_name("purge")) end)

client("swamped", "holder", 1)
client("swamped", "A", 10)
admin(20, function() otp.sys.suspend(otp.jobs.server_name("swamped")) end)
for i = 1, 101 do client("swamped", i, 30 + i / 1024) end   -- one after the other
admin(100, function() otp.sys.resume(otp.jobs.server_name("swamped")) end)

sim.run{to = 1000}

E.check("tail: the new request is rejected at once; the queued ones stay until max_time", function()
  return got.tail, {holder = {"ok", 1}, A = {"timeout", 110}, B = {"timeout", 120},
                    C = {"rejected", 30}}
end)
E.check("purge: the full queue purges its timed-out jobs and takes the new one", function()
  return got.purge, {holder = {"ok", 1}, A = {"timeout", 150}, B = {"timeout", 150},
                     C = {"timeout", 250}}
end)
E.check("swamped: mailbox over 100 rejects without purging; then purge; then tail drop", function()
  local first, second, rest = got.swamped[1], got.swamped[2], 0
  for i = 3, 101 do
    if got.swamped[i][1] == "rejected" and got.swamped[i][2] == 100 then rest = rest + 1 end
  end
  return {got.swamped.A, first, second, rest},
         {{"timeout", 100}, {"rejected", 100}, {"timeout", 150}, 99}
end)
E.check("rejections are traced with their reason", function()
  local swamped_full = 0
  for i = 2, #(rejects.swamped or {}) do
    if rejects.swamped[i] == "full" then swamped_full = swamped_full + 1 end
  end
  return {rejects.tail, rejects.purge, rejects.swamped[1], swamped_full}, {{"full"}, nil, "overload", 99}
end)
E.check("counted in jobs.<queue>.rejected and jobs.<queue>.timeout", function()
  return {counted["jobs.tail.rejected"], counted["jobs.tail.timeout"],
          counted["jobs.purge.rejected"], counted["jobs.purge.timeout"],
          counted["jobs.swamped.rejected"], counted["jobs.swamped.timeout"]},
         {1, 2, nil, 3, 100, 2}
end)
