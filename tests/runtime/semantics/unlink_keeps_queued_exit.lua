-- unlink_keeps_queued_exit.lua
-- otp-semantics §1.3: "An `{'EXIT',Id,_}` already queued stays queued. [DOC + RUN]" Observed on
-- OTP 25: "Q dies, then P (trapping) unlinks -> the {'EXIT',Q,boom} already queued stays in P's
-- mailbox".
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  local p, pref = otp.spawn_monitor(function()
    otp.process_flag("trap_exit", true)
    local q, qref = otp.spawn_monitor(function() otp.exit("boom") end)
    otp.link(q)
    ids.q = q
    otp.receive({tag = "DOWN", ref = qref})   -- Q is dead ...
    otp.sleep(5)                              -- ... and its EXIT has certainly arrived
    got[#got + 1] = otp.unlink(q)
    got[#got + 1] = otp.receive({tag = "EXIT"}, 0) or "nothing"
  end)
  otp.receive({tag = "DOWN", ref = pref})
end)

E.check("the EXIT queued before unlink is still received", function()
  return got, {true, {tag = "EXIT", from = ids.q, reason = "boom"}}
end)
