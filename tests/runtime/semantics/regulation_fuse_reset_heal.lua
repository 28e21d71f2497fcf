-- regulation_fuse_reset_heal.lua
-- otp-semantics §7.5 (fuse): the blowing melt "arms a reset timer. When the timer fires, the
-- fuse heals and the melt history is cleared. A healed fuse over a still-broken service blows
-- again quickly." fuse:reset/1 heals at once (and clears the history); fuse:run(Name, Fun)
-- asks, runs Fun, and melts when Fun returns {melt, R}.
-- MaxR 2, MaxT 10 s, reset 100 ms: melts at 0, 1, 2 blow the fuse; blown at 50 and 101; healed
-- by the timer at 102; a melt at 110 does not blow it (the history was cleared — with the old
-- melts it would be the 4th in the window); two more (111, 112) blow it again, timer for 212;
-- a manual reset at 150 heals it at once and the old timer (212) changes nothing. Heals are
-- "regulator" trace events (event reset, by = timer | manual) and count in fuse.<name>.reset.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local resets, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[1] == "fuse" and a[4] == "reset" then
    resets[#resets + 1] = {otp.now(), a[6]}
  end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local got = {}
local function at(t) otp.sleep(t - otp.now()) end

-- a call to a service that is broken until `fixed`
local fixed = 300
local function service()
  if otp.now() < fixed then return "melt", "error" end
  return "ok", "answer"
end

sim.spawn("n", function()
  otp.fuse.install("f", {max_r = 2, max_t = 10000, reset = 100})
  for _, t in ipairs({0, 1, 2}) do at(t); otp.fuse.melt("f") end
  at(50);  got[50] = otp.fuse.ask("f")
  at(101); got[101] = otp.fuse.ask("f")
  at(103); got[103] = otp.fuse.ask("f")
  at(110); got.run110 = {otp.fuse.run("f", service)}; got[110] = otp.fuse.ask("f")
  at(111); otp.fuse.run("f", service)
  at(112); otp.fuse.run("f", service); got[112] = otp.fuse.ask("f")
  got.run_blown = {otp.fuse.run("f", service)}
  at(150); got.reset = {otp.fuse.reset("f")}; got[150] = otp.fuse.ask("f")
  at(250); got[250] = otp.fuse.ask("f"); got.melts250 = #otp.fuse.info("f").melts
  at(400); got.run400 = {otp.fuse.run("f", service)}
  got.reset_missing = {otp.fuse.reset("nope")}
end)

sim.run{to = 1000}

E.check("blown from the 3rd melt until the reset timer (100 ms after the blow)", function()
  return {got[50], got[101], got[103]}, {"blown", "blown", "ok"}
end)
E.check("the healed fuse forgot its melts: one more melt does not blow it", function()
  return {got.run110, got[110]}, {{"ok", "error"}, "ok"}
end)
E.check("over a still-broken service it blows again after MaxR+1 melts", function()
  return {got[112], got.run_blown}, {"blown", {"blown"}}
end)
E.check("a manual reset heals at once; the old timer changes nothing", function()
  return {got.reset, got[150], got[250], got.melts250}, {{"ok"}, "ok", "ok", 0}
end)
E.check("run passes the function's results through", function()
  return {got.run400, got.reset_missing}, {{"ok", "answer"}, {nil, "not_found"}}
end)
E.check("heals are traced (timer, manual) and counted", function()
  return {resets, counted["fuse.f.reset"], counted["fuse.f.blown"]},
         {{{102, "timer"}, {150, "manual"}}, 2, 2}
end)
