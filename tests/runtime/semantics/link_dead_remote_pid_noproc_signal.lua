-- link_dead_remote_pid_noproc_signal.lua
-- otp-semantics §1.3: "For a remote pid the check is not "cheap", so the call returns `true` and
-- an exit signal with reason `noproc` follows." A non-trapping caller on n1 linking to a dead
-- pid on n2 therefore dies noproc (no exception); a trapping one gets {EXIT, Pid, noproc}.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local got, down = {}, {}

sim.spawn("n1", function()
  local dead, dref = otp.spawn_monitor("n2", function() end)
  otp.receive({tag = "DOWN", ref = dref})
  got.dead = dead
  local p, pref = otp.spawn_monitor(function(dead)
    got.untrapped_link = {pcall(otp.link, dead)}
    otp.receive(100)
    got.untrapped_survived = true
  end, dead)
  down.untrapped = otp.receive({tag = "DOWN", ref = pref}).reason
  local t, tref = otp.spawn_monitor(function(dead)
    otp.process_flag("trap_exit", true)
    got.trapped_link = otp.link(dead)
    got.trapped_msg = otp.receive(100) or "nothing"
    otp.exit("t_done")
  end, dead)
  down.trapped = otp.receive({tag = "DOWN", ref = tref}).reason
end)

E.check("non-trapping caller: link returns true, then it dies noproc", function()
  return {got.untrapped_link, got.untrapped_survived or false, down.untrapped},
         {{true, true}, false, "noproc"}
end)
E.check("trapping caller: link returns true, then {EXIT, Pid, noproc}", function()
  return {got.trapped_link, got.trapped_msg, down.trapped},
         {true, {tag = "EXIT", from = got.dead, reason = "noproc"}, "t_done"}
end)
