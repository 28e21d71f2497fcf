-- exit_linked_killed_untrapped_dies.lua
-- otp-semantics §1.2, row "set | other R (including `killed`) | no | receiver dies with R".
-- Observed on OTP 25: "exit(Q,kill) by 3rd, P not trapping -> Q down killed; P down killed
-- (killed propagates as an ordinary lethal reason)".
local E = require("lib.expect")

local down, p_after = {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive()                        -- waits forever
  end)
  local p, pref = otp.spawn_monitor(function(q, watcher)
    otp.link(q)
    otp.send(watcher, {linked = true})
    otp.receive(100)
    p_after[#p_after + 1] = "survived"   -- must not happen
  end, q, otp.self())
  otp.receive({linked = true})           -- the link signal to Q left before this message
  otp.exit(q, "kill")                    -- exit/2 from a third process
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("Q dies killed; linked non-trapping P dies killed", function()
  return down, {q = "killed", p = "killed"}
end)
E.check("P never runs on", function() return p_after, {} end)
