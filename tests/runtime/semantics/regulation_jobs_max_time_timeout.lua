-- regulation_jobs_max_time_timeout.lua
-- otp-semantics §7.1 (jobs): "max_time (ms): queued jobs older than this are answered
-- {error,timeout}"; the jobs_server's queue timer fires when the oldest job reaches max_time
-- (next_time: MaxT - age of the oldest). Here one slot is held until 200: A (asked at 10) and
-- B (50) time out at 110 and 150, by the timer, while nothing else happens; C (120) is
-- dispatched at 200, 80 ms old. Also `type`: a lifo queue dispatches the newest waiter first,
-- a fifo queue the oldest. Timeouts are "regulator" trace events (event timeout, waited) and
-- count in jobs.<queue>.timeout. otp.jobs.run returns fn's results, or nil, reason.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local traced, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  if kind == "regulator" then traced[#traced + 1] = {...} end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local got, order = {}, {lifo = {}, fifo = {}}

local function at(t, fn) sim.at(t, function() sim.spawn("n", fn) end) end

at(0, function()
  otp.jobs.add_queue("t", {counter = 1, max_time = 100})
  otp.jobs.add_queue("lifo", {counter = 1, type = "lifo"})
  otp.jobs.add_queue("fifo", {counter = 1})
end)

at(1, function()
  got.holder = {otp.jobs.run("t", function() otp.sleep(199); return "held", otp.now() end)}
end)
for who, t in pairs({A = 10, B = 50, C = 120}) do
  at(t, function()
    local ok, x = otp.jobs.ask("t")
    got[who] = {ok or x, otp.now()}
    if ok then otp.jobs.done(x) end
  end)
end

-- one holder until 100, then W1, W2, W3 (asked at 10, 20, 30) each run for 1 ms
for _, q in ipairs({"lifo", "fifo"}) do
  at(1, function() otp.jobs.run(q, function() otp.sleep(99) end) end)
  for i, who in ipairs({"W1", "W2", "W3"}) do
    at(i * 10, function()
      otp.jobs.run(q, function() table.insert(order[q], {who, otp.now()}); otp.sleep(1) end)
    end)
  end
end

sim.run{to = 1000}

E.check("queued jobs time out at exactly max_time, by the queue's timer", function()
  return {got.A, got.B}, {{"timeout", 110}, {"timeout", 150}}
end)
E.check("a job dispatched before max_time is not timed out", function()
  return {got.holder, got.C}, {{"held", 200}, {"ok", 200}}
end)
E.check("lifo dispatches the newest waiter first; fifo the oldest", function()
  return order, {lifo = {{"W3", 100}, {"W2", 101}, {"W1", 102}},
                 fifo = {{"W1", 100}, {"W2", 101}, {"W3", 102}}}
end)
E.check("timeouts are traced with the time waited and counted", function()
  return {traced, counted["jobs.t.timeout"]}, {{
    {"queue", "t", "event", "timeout", "waited", 100},
    {"queue", "t", "event", "timeout", "waited", 100},
  }, 2}
end)
