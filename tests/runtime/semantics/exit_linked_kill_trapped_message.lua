-- exit_linked_kill_trapped_message.lua
-- otp-semantics §1.2, row "set | `kill` | yes | message `{'EXIT', From, kill}`; **not** lethal".
-- Observed on OTP 25: "Q calls exit(kill), P trapping -> P got {'EXIT',Q,kill}; P alive".
local E = require("lib.expect")

local ids, down, p_saw = {}, {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive({go = true})
    otp.exit("kill")
  end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.process_flag("trap_exit", true)
    otp.link(q)
    otp.send(q, {go = true})
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    otp.exit("p_done")
  end, q)
  ids.q = q
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("trapping P gets {EXIT, Q, kill}", function()
  return p_saw, {{tag = "EXIT", from = ids.q, reason = "kill"}}
end)
E.check("Q dies kill; P lives on", function() return down, {q = "kill", p = "p_done"} end)
