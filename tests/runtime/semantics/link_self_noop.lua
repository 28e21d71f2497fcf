-- link_self_noop.lua
-- otp-semantics §1.3: "There is at most one link per pair, so a repeated `link` is a no-op, and
-- linking to self is a no-op."
-- link(self()) returns true and creates nothing: when the process later dies, nothing is
-- signalled back to it, and it does not count as a link for anybody.
local E = require("lib.expect")

local got, down = {}, {}

sim.spawn(function()
  local p, pref = otp.spawn_monitor(function()
    otp.process_flag("trap_exit", true)
    got[#got + 1] = otp.link(otp.self())
    got[#got + 1] = otp.link(otp.self())
    got[#got + 1] = otp.unlink(otp.self())
    got[#got + 1] = otp.receive(50) or "nothing"   -- no EXIT, no stray signal
    otp.exit("p_done")
  end)
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("link(self()) and unlink(self()) return true and deliver nothing", function()
  return got, {true, true, true, "nothing"}
end)
E.check("the process exits by itself", function() return down, {p = "p_done"} end)
