-- exit_linked_killed_trapped_message.lua
-- otp-semantics §1.2, row "set | other R | yes | message `{'EXIT', From, R}`" with R = killed.
-- Observed on OTP 25: "exit(Q,kill) by 3rd, P trapping -> Q down killed; P got
-- {'EXIT',Q,killed}".
local E = require("lib.expect")

local ids, down, p_saw = {}, {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive()
  end)
  local p, pref = otp.spawn_monitor(function(q, watcher)
    otp.process_flag("trap_exit", true)
    otp.link(q)
    otp.send(watcher, {linked = true})
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    otp.exit("p_done")
  end, q, otp.self())
  ids.q = q
  otp.receive({linked = true})
  otp.exit(q, "kill")
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("trapping P gets {EXIT, Q, killed}", function()
  return p_saw, {{tag = "EXIT", from = ids.q, reason = "killed"}}
end)
E.check("Q dies killed; P lives on", function() return down, {q = "killed", p = "p_done"} end)
