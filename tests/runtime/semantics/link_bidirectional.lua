-- link_bidirectional.lua
-- otp-semantics §1.3: "Links are bidirectional." The process that did not call link is affected
-- by the death of the one that did, exactly as the other way round.
local E = require("lib.expect")

local ids, saw, down = {}, {}, {}

sim.spawn(function()
  -- Q traps and never calls link; P links to Q, then dies boom
  local q, qref = otp.spawn_monitor(function(watcher)
    otp.process_flag("trap_exit", true)
    otp.send(watcher, {ready = true})
    saw[#saw + 1] = otp.receive(200) or "nothing"
    otp.exit("q_done")
  end, otp.self())
  otp.receive({ready = true})
  local p, pref = otp.spawn_monitor(function(q)
    otp.link(q)
    otp.exit("boom")
  end, q)
  ids.p = p
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
  -- a non-trapping process that did not call link dies with the linker's reason
  local r, rref = otp.spawn_monitor(function() otp.receive() end)
  otp.spawn(function(r) otp.link(r); otp.exit("boom2") end, r)
  down.r = otp.receive({tag = "DOWN", ref = rref}).reason
end)

E.check("Q, which never called link, gets {EXIT, P, boom}", function()
  return saw, {{tag = "EXIT", from = ids.p, reason = "boom"}}
end)
E.check("non-trapping R, which never called link, dies boom2", function()
  return down, {p = "boom", q = "q_done", r = "boom2"}
end)
