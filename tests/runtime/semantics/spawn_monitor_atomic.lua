-- spawn_monitor_atomic.lua
-- otp-semantics §1.4 (monitors) with spawn_monitor, which, like spawn_link (§1.3), creates the
-- process and the monitor atomically: a child that dies at once gives a DOWN with its own
-- reason, never noproc, and exactly one.
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local c, ref = otp.spawn_monitor(function() otp.exit("early") end)
  got[1] = otp.receive({tag = "DOWN"}, 100) or "nothing"
  got[2] = otp.receive(50) or "nothing"
  got.c, got.ref = c, ref
end)

E.check("DOWN with the child's own reason, once", function()
  return got, {{tag = "DOWN", ref = got.ref, type = "process", object = got.c, reason = "early"},
               "nothing", c = got.c, ref = got.ref}
end)
