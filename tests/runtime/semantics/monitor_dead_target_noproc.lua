-- monitor_dead_target_noproc.lua
-- otp-semantics §1.4: "Monitoring a dead or non-existent process immediately yields
-- `{'DOWN', Ref, process, Pid, noproc}`. [RUN]"
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  local dead, dref = otp.spawn_monitor(function() end)
  otp.receive({tag = "DOWN", ref = dref})
  ids.dead = dead
  local t0 = otp.now()
  ids.ref = otp.monitor(dead)
  got[1] = otp.receive({tag = "DOWN"}, 100) or "nothing"
  got.wait_ms = otp.now() - t0
  got[2] = otp.receive(50) or "nothing"
end)

E.check("DOWN noproc for the dead pid", function()
  return got, {{tag = "DOWN", ref = ids.ref, type = "process", object = ids.dead, reason = "noproc"},
               "nothing", wait_ms = E.match_between(0, 0.05)}
end)
