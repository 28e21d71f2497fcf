-- link_repeat_single_link.lua
-- otp-semantics §1.3: "Links are bidirectional. There is at most one link per pair, so a
-- repeated `link` is a no-op". Two link calls make one link: one unlink removes it (Q's death
-- then has no effect), and a trapping process gets one EXIT, not two.
local E = require("lib.expect")

local saw, down = {}, {}

sim.spawn(function()
  -- link twice, unlink once, Q dies boom: P (not trapping) is unaffected
  local q, qref = otp.spawn_monitor(function() otp.receive({go = true}); otp.exit("boom") end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.link(q)
    otp.link(q)
    otp.unlink(q)
    otp.send(q, {go = true})
    otp.receive(100)
    otp.exit("p_done")
  end, q)
  local got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == qref and "q" or "p"] = d.reason
  end
  down.unlinked = got

  -- link twice, trapping: one EXIT only
  local r = otp.spawn(function() otp.receive({go = true}); otp.exit("boom") end)
  local t, tref = otp.spawn_monitor(function(r)
    otp.process_flag("trap_exit", true)
    otp.link(r)
    otp.link(r)
    otp.send(r, {go = true})
    saw[#saw + 1] = otp.receive(100) or "nothing"
    saw[#saw + 1] = otp.receive(100) or "nothing"
    saw.r = r
  end, r)
  otp.receive({tag = "DOWN", ref = tref})
end)

E.check("link twice + unlink once: no link left", function()
  return down.unlinked, {q = "boom", p = "p_done"}
end)
E.check("link twice: exactly one EXIT", function()
  return saw, {{tag = "EXIT", from = saw.r, reason = "boom"}, "nothing", r = saw.r}
end)
