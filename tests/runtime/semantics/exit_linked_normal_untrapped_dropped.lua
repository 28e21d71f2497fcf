-- exit_linked_normal_untrapped_dropped.lua
-- otp-semantics §1.2, row "Link flag set (linked process died) | `normal` | no | dropped".
-- Observed on OTP 25: "q_exit_normal, P not trapping -> Q down normal; P alive".
local E = require("lib.expect")

local ids, down, p_saw = {}, {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive({go = true})            -- linked by now
  end)                                  -- returns: exits normal
  local p, pref = otp.spawn_monitor(function(q)
    otp.link(q)
    otp.send(q, {go = true})            -- after the link signal (same sender, same receiver)
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    otp.exit("p_done")                  -- still alive 100 ms later: exits by itself
  end, q)
  ids.q, ids.p = q, p
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("Q dies normal; non-trapping linked P lives on", function()
  return down, {q = "normal", p = "p_done"}
end)
E.check("P's mailbox stays empty", function() return p_saw, {"nothing"} end)
