-- monitor_two_monitors_two_downs.lua
-- otp-semantics §1.4: "Monitors are one-way, and each `monitor/2` call creates an independent
-- monitor, so two monitors give two `DOWN`s. [DOC + RUN]"
local E = require("lib.expect")

local ids, got, down = {}, {}, {}

sim.spawn(function()
  local t = otp.spawn(function() otp.receive({go = true}); otp.exit("bye") end)
  local r1 = otp.monitor(t)
  local r2 = otp.monitor(t)
  ids.t, ids.r1, ids.r2 = t, r1, r2
  got.distinct = r1 ~= r2
  otp.send(t, {go = true})
  got[1] = otp.receive({tag = "DOWN"}, 100) or "nothing"
  got[2] = otp.receive({tag = "DOWN"}, 100) or "nothing"
  got[3] = otp.receive(50) or "nothing"
  -- one-way: the watcher's own death does not touch the target
  local u, uref = otp.spawn_monitor(function() otp.receive(100); otp.exit("u_done") end)
  otp.spawn(function(u) otp.monitor(u); otp.exit("watcher_gone") end, u)
  down.u = otp.receive({tag = "DOWN", ref = uref}).reason
end)

E.check("two monitors, two distinct refs, two DOWNs, nothing more", function()
  local function down_for(ref) return {tag = "DOWN", ref = ref, type = "process", object = ids.t, reason = "bye"} end
  local want = {distinct = true, "nothing", "nothing", "nothing"}
  -- the DOWNs may come in either order: one per ref
  if got[1] ~= "nothing" and got[1].ref == ids.r2 then
    want[1], want[2] = down_for(ids.r2), down_for(ids.r1)
  else
    want[1], want[2] = down_for(ids.r1), down_for(ids.r2)
  end
  return got, want
end)
E.check("monitors are one-way: the watcher's death does not affect the target", function()
  return down, {u = "u_done"}
end)
