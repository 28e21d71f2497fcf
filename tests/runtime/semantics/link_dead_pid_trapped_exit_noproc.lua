-- link_dead_pid_trapped_exit_noproc.lua
-- otp-semantics §1.3: "A caller that **does** trap exits gets `true` back, then
-- `{'EXIT', Pid, noproc}`. [DOC + RUN]"
local E = require("lib.expect")

local ids, got, down = {}, {}, {}

sim.spawn(function()
  local dead, dref = otp.spawn_monitor(function() end)
  otp.receive({tag = "DOWN", ref = dref})
  ids.dead = dead
  local p, pref = otp.spawn_monitor(function(dead)
    otp.process_flag("trap_exit", true)
    got[#got + 1] = otp.link(dead)
    got[#got + 1] = otp.receive(50) or "nothing"
    got[#got + 1] = otp.receive(50) or "nothing"
    otp.exit("p_done")
  end, dead)
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("link returns true, then exactly one {EXIT, Dead, noproc}", function()
  return got, {true, {tag = "EXIT", from = ids.dead, reason = "noproc"}, "nothing"}
end)
E.check("the caller lives on", function() return down, {p = "p_done"} end)
