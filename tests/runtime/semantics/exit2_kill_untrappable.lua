-- exit2_kill_untrappable.lua
-- otp-semantics §1.2, row "not set (`exit/2`) | `kill` | any | receiver dies with **`killed`**;
-- cannot be trapped". Observed on OTP 25: "exit(P,kill) while P traps -> P down killed; linked
-- Q down killed". Also exit(self(), kill) while trapping.
local E = require("lib.expect")

local down, after = {}, {}

sim.spawn(function()
  -- P traps exits and is linked to Q (not trapping); a third process sends exit(P, kill)
  local q, qref = otp.spawn_monitor(function()
    otp.receive()
  end)
  local p, pref = otp.spawn_monitor(function(q, watcher)
    otp.process_flag("trap_exit", true)
    otp.link(q)
    otp.send(watcher, {linked = true})
    local m = otp.receive(100)
    after[#after + 1] = {"p_survived", m}  -- must not happen
  end, q, otp.self())
  otp.receive({linked = true})
  otp.exit(p, "kill")
  local got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == qref and "q" or "p"] = d.reason
  end
  down.trapping = got

  -- a non-trapping target dies killed too
  local r, rref = otp.spawn_monitor(function() otp.receive() end)
  otp.exit(r, "kill")
  down.not_trapping = otp.receive({tag = "DOWN", ref = rref}).reason

  -- exit(self(), kill) while trapping: killed as well
  local s, sref = otp.spawn_monitor(function()
    otp.process_flag("trap_exit", true)
    otp.exit(otp.self(), "kill")
    local m = otp.receive(100)
    after[#after + 1] = {"s_survived", m}
  end)
  down.self_kill = otp.receive({tag = "DOWN", ref = sref}).reason
end)

E.check("trapping P dies killed; linked Q dies killed", function()
  return down.trapping, {p = "killed", q = "killed"}
end)
E.check("non-trapping target dies killed", function() return down.not_trapping, "killed" end)
E.check("exit(self(), kill) while trapping: dies killed", function() return down.self_kill, "killed" end)
E.check("no target runs on", function() return after, {} end)
