-- exit_linked_kill_untrapped.lua
-- otp-semantics §1.2, row "set | `kill` (the linked process itself exited with reason `kill`)
-- | no | receiver dies with reason **`kill`** (not converted to `killed`)".
-- Observed on OTP 25: "Q calls exit(kill), P not trapping -> Q down kill; P down kill".
local E = require("lib.expect")

local down, p_after = {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive({go = true})
    otp.exit("kill")                    -- exit/1 with 'kill': an ordinary reason
  end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.link(q)
    otp.send(q, {go = true})
    otp.receive(100)
    p_after[#p_after + 1] = "survived"  -- must not happen
  end, q)
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("Q dies kill; linked non-trapping P dies kill (not killed)", function()
  return down, {q = "kill", p = "kill"}
end)
E.check("P never runs on", function() return p_after, {} end)
