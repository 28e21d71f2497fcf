-- exit2_normal_untrapped_dropped.lua
-- otp-semantics §1.2, row "not set | `normal`, sender ≠ receiver | no | dropped".
-- Observed on OTP 25: "exit(P,normal) by 3rd, not trapping -> nothing happens".
local E = require("lib.expect")

local p_saw, down = {}, {}

sim.spawn(function()
  local p, pref = otp.spawn_monitor(function()
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    otp.exit("p_done")
  end)
  otp.exit(p, "normal")
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("P is not affected and gets no message", function() return p_saw, {"nothing"} end)
E.check("P exits later by itself", function() return down, {p = "p_done"} end)
