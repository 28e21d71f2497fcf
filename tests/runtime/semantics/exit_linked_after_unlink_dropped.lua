-- exit_linked_after_unlink_dropped.lua
-- otp-semantics §1.2, row "Link flag set, link no longer active (unlinked) | any | any |
-- **dropped**". Observed on OTP 25: "unlink(Q) then Q dies -> nothing at P".
-- Both a trapping and a non-trapping P, with a lethal reason.
local E = require("lib.expect")

local down, p_saw = {}, {}

local function case(trap)
  local q, qref = otp.spawn_monitor(function()
    otp.receive({go = true})
    otp.exit("boom")
  end)
  local p, pref = otp.spawn_monitor(function(q, trap)
    otp.process_flag("trap_exit", trap)
    otp.link(q)
    otp.unlink(q)
    otp.send(q, {go = true})
    p_saw[trap and "trapping" or "not_trapping"] = otp.receive(100) or "nothing"
    otp.exit("p_done")
  end, q, trap)
  local got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == qref and "q" or "p"] = d.reason
  end
  down[trap and "trapping" or "not_trapping"] = got
end

sim.spawn(function()
  case(false)
  case(true)
end)

E.check("non-trapping P survives Q's boom after unlink", function()
  return down.not_trapping, {q = "boom", p = "p_done"}
end)
E.check("trapping P gets no EXIT after unlink", function()
  return p_saw, {trapping = "nothing", not_trapping = "nothing"}
end)
E.check("trapping P lives on", function() return down.trapping, {q = "boom", p = "p_done"} end)
