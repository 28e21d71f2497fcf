-- exit2_other_untrapped_dies.lua
-- otp-semantics §1.2, row "not set | other R | no | dies with R". Observed on OTP 25:
-- "exit(P,shutdown), P not trapping -> P down shutdown; linked Q down shutdown". Also a reason
-- sent by exit(self(), R).
local E = require("lib.expect")

local down, after = {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive()
  end)
  local p, pref = otp.spawn_monitor(function(q, watcher)
    otp.link(q)
    otp.send(watcher, {linked = true})
    otp.receive(100)
    after[#after + 1] = "p_survived"
  end, q, otp.self())
  otp.receive({linked = true})
  otp.exit(p, "shutdown")
  local got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == qref and "q" or "p"] = d.reason
  end
  down.third = got

  local s, sref = otp.spawn_monitor(function()
    otp.exit(otp.self(), {"custom", 42})
    after[#after + 1] = "s_survived"
  end)
  down.self = otp.receive({tag = "DOWN", ref = sref}).reason
end)

E.check("P dies shutdown; linked Q dies shutdown", function()
  return down.third, {p = "shutdown", q = "shutdown"}
end)
E.check("exit(self(), R) kills with R", function() return down.self, {"custom", 42} end)
E.check("targets do not run on", function() return after, {} end)
