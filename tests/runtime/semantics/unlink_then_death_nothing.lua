-- unlink_then_death_nothing.lua
-- otp-semantics §1.3: "`unlink` is asynchronous but guarantees that once it returns, the link has
-- no further effect on the caller." Observed on OTP 25: "unlink(Q) then Q dies -> nothing at
-- P". Also the other end: when Q unlinks P and then P dies, Q is not affected.
local E = require("lib.expect")

local saw, down = {}, {}

sim.spawn(function()
  -- P traps; P unlinks Q; Q dies at once after the unlink returned
  local q, qref = otp.spawn_monitor(function() otp.receive({go = true}); otp.exit("boom") end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.process_flag("trap_exit", true)
    otp.link(q)
    otp.unlink(q)
    otp.send(q, {go = true})
    saw.p = otp.receive(100) or "nothing"
    otp.exit("p_done")
  end, q)
  local got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == qref and "q" or "p"] = d.reason
  end
  down.caller_unlinks = got

  -- the other end unlinks: R links S; S unlinks R; R dies boom; S (not trapping) lives
  local s, sref = otp.spawn_monitor(function()
    local m = otp.receive({r = otp.any})
    otp.unlink(m.r)
    otp.send(m.r, {go = true})
    saw.s = otp.receive(100) or "nothing"
    otp.exit("s_done")
  end)
  local r, rref = otp.spawn_monitor(function(s)
    otp.link(s)
    otp.send(s, {r = otp.self()})
    otp.receive({go = true})
    otp.exit("boom")
  end, s)
  got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == sref and "s" or "r"] = d.reason
  end
  down.other_end_unlinks = got
end)

E.check("after unlink, Q's death does not reach trapping P", function()
  return saw, {p = "nothing", s = "nothing"}
end)
E.check("unlinking caller lives on", function()
  return down.caller_unlinks, {q = "boom", p = "p_done"}
end)
E.check("the other end may unlink too", function()
  return down.other_end_unlinks, {r = "boom", s = "s_done"}
end)
