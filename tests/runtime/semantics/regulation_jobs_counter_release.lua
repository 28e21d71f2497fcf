-- regulation_jobs_counter_release.lua
-- otp-semantics §7.1 (jobs): "{counter, [{limit, N}]}: concurrency slots. A slot is freed by
-- jobs:done/1 or by the client's death (jobs monitors it)." jobs_server monitors a client when
-- it is dispatched, not while it waits: a client that dies while queued is still dispatched
-- later, its monitor fires at once (noproc) and the slot comes straight back. Here, counter 2:
-- A's done lets C in; B's death lets D in; a second done for one opaque frees nothing; a dead
-- waiter G is dispatched and released at once, so H goes in the same instant. Releases by
-- death are "regulator" trace events (event client_down) and count in jobs.q.client_down.
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

local got, pids = {}, {}

-- client `who` asks at time `t`, then runs `after(opaque)`
local function client(who, t, after)
  sim.at(t, function()
    pids[who] = sim.spawn("n", function()
      local ok, opaque = otp.jobs.ask("q")
      got[who] = {ok, otp.now()}
      if after then after(opaque) end
    end)
  end)
end

sim.spawn("n", function() otp.jobs.add_queue("q", {counter = 2}) end)

local function until_(t) otp.sleep(t - otp.now()) end
local function hold() otp.sleep(100000) end

client("A", 1, function(o) until_(100); otp.jobs.done(o) end)
client("B", 2, function() until_(150); otp.exit("crashed") end)
client("C", 3, function(o) until_(200); otp.jobs.done(o); otp.jobs.done(o); hold() end)
client("D", 4, function(o) until_(300); otp.jobs.done(o) end)
client("E", 210, function(o) until_(350); otp.jobs.done(o) end)
client("F", 220, hold)
client("G", 230)                                                -- killed at 240, while queued
client("H", 250, hold)
sim.at(240, function() sim.kill(pids.G) end)

local info
sim.at(400, function()
  sim.spawn("n", function() info = otp.jobs.queue_info("q") end)
end)

E.check("A and B dispatched at once; C when A is done; D when B dies", function()
  return {got.A, got.B, got.C, got.D}, {{"ok", 1}, {"ok", 2}, {"ok", 100}, {"ok", 150}}
end)
E.check("a second done frees nothing: E takes C's slot, F waits for D's done", function()
  return {got.E, got.F}, {{"ok", 210}, {"ok", 300}}
end)
E.check("the dead waiter G is dispatched, released at once, and H goes at the same instant", function()
  return {got.G, got.H}, {nil, {"ok", 350}}
end)
E.check("queue_info: F and H hold the two slots", function()
  return {info.running, info.queued, info.dispatched, info.done, info.client_down},
         {2, 0, 8, 4, 2}
end)
E.check("releases by death are traced and counted", function()
  return {traced, counted["jobs.q.client_down"], counted["jobs.q.done"]}, {{
    {"queue", "q", "event", "client_down", "reason", "crashed"},
    {"queue", "q", "event", "client_down", "reason", "noproc"},
  }, 2, 4}
end)
sim.run{to = 1000}
