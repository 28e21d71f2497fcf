-- exit2_self_normal_trapped_message.lua
-- otp-semantics §1.2, row "not set | `normal`, sender = receiver | yes | `{'EXIT', Self,
-- normal}`".
local E = require("lib.expect")

local ids, p_saw, down = {}, {}, {}

sim.spawn(function()
  local p, pref = otp.spawn_monitor(function()
    ids.p = otp.self()
    otp.process_flag("trap_exit", true)
    p_saw[#p_saw + 1] = otp.exit(otp.self(), "normal")   -- returns true
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    p_saw[#p_saw + 1] = otp.receive(0) or "nothing"
    otp.exit("p_done")
  end)
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("exit/2 returns true, then P gets exactly {EXIT, Self, normal}", function()
  return p_saw, {true, {tag = "EXIT", from = ids.p, reason = "normal"}, "nothing"}
end)
E.check("P lives on", function() return down, {p = "p_done"} end)
