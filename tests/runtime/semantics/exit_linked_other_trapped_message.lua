-- exit_linked_other_trapped_message.lua
-- otp-semantics §1.2, row "set | other R | yes | message `{'EXIT', From, R}`".
-- Observed on OTP 25: "q_exit_boom, P trapping -> P got {'EXIT',Q,boom}".
local E = require("lib.expect")

local ids, down, p_saw = {}, {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive({go = true})
    otp.exit("boom")
  end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.process_flag("trap_exit", true)
    otp.link(q)
    otp.send(q, {go = true})
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    p_saw[#p_saw + 1] = otp.receive(0) or "nothing"
    otp.exit("p_done")
  end, q)
  ids.q = q
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("trapping P gets exactly {EXIT, Q, boom}", function()
  return p_saw, {{tag = "EXIT", from = ids.q, reason = "boom"}, "nothing"}
end)
E.check("Q dies boom; P lives on", function() return down, {q = "boom", p = "p_done"} end)
