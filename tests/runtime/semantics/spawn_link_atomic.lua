-- spawn_link_atomic.lua
-- otp-semantics §1.3: "`spawn_link` creates the process and the link atomically." A child that
-- dies at once is still linked: a trapping parent gets {EXIT, Child, R} with the child's own
-- reason (never noproc), and a non-trapping parent dies with it.
local E = require("lib.expect")

local ids, saw, down = {}, {}, {}

sim.spawn(function()
  local p, pref = otp.spawn_monitor(function()
    otp.process_flag("trap_exit", true)
    local c = otp.spawn_link(function() otp.exit("early") end)
    ids.c = c
    saw[#saw + 1] = otp.receive(50) or "nothing"
    saw[#saw + 1] = otp.receive(50) or "nothing"
    otp.exit("p_done")
  end)
  down.trapping = otp.receive({tag = "DOWN", ref = pref}).reason
  local n, nref = otp.spawn_monitor(function()
    otp.spawn_link(function() otp.exit("early") end)
    otp.receive(50)
    otp.exit("survived")
  end)
  down.not_trapping = otp.receive({tag = "DOWN", ref = nref}).reason
end)

E.check("trapping parent gets {EXIT, Child, early}, once", function()
  return saw, {{tag = "EXIT", from = ids.c, reason = "early"}, "nothing"}
end)
E.check("non-trapping parent dies with the child's reason", function()
  return down, {trapping = "p_done", not_trapping = "early"}
end)
