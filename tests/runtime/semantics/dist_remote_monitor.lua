-- dist_remote_monitor.lua
-- otp-semantics §1.4: "Monitoring a dead or non-existent process immediately yields
-- `{'DOWN', Ref, process, Pid, noproc}`", "An unregistered name gives `noproc` with
-- `Object = {Name, node()}`" (for a remote name: `{Name, Node}`), "Monitor to a remote entity
-- whose connection is lost: `{'DOWN',..,noconnection}`"; §1.7: "`monitor_node(Unreachable,
-- true)` tries to connect; if that fails, `{nodedown, N}` arrives ... `monitor(process, {foo,
-- Unreachable})` gives `DOWN … noconnection`".
-- Here, from n1 (latency 5 ms, net_ticktime 4 s):
--   a) a dead pid on n2 → DOWN noproc, object = the pid, one round trip later;
--   b) {"nobody", "n2"} (unregistered there) → DOWN noproc, object = {"nobody", "n2"};
--   c) a live pid on n3, then n1 and n3 partitioned silently → DOWN noconnection when the tick
--      timeout fires (2..5 s later), nothing before;
--   d) n4 crashed: monitor_node("n4") → {nodedown, n4} (no reason field) after the refused
--      connection attempt; monitor({"foo", "n4"}) → DOWN noconnection, object {"foo", "n4"};
--   e) monitor_node of a node that does not exist → {nodedown} at once;
--   f) n5 unreachable (partitioned before any connection): monitor_node → {nodedown} when the
--      handshake gives up (net_setuptime, 7 s by default).
local E = require("lib.expect")

sim.net{latency = 5, net_ticktime = 4}
for _, n in ipairs({"n1", "n2", "n3", "n4", "n5"}) do sim.node(n) end

local got = {}

sim.spawn("n1", function()
  -- a) dead remote pid
  local dead, r0 = otp.spawn_monitor("n2", function() end)
  otp.receive({tag = "DOWN", ref = r0})
  local t = otp.now()
  local ra = otp.monitor(dead)
  local m = otp.receive({tag = "DOWN", ref = ra}, 1000)
  got.a = {m, otp.now() - t, dead, ra}

  -- b) unregistered remote name
  t = otp.now()
  local rb = otp.monitor({"nobody", "n2"})
  m = otp.receive({tag = "DOWN", ref = rb}, 1000)
  got.b = {m, otp.now() - t, rb}
end)

local live, rc
sim.spawn("n1", function()
  -- c) live pid on n3, partition at 1 s
  live = otp.spawn("n3", function() otp.receive() end)
  rc = otp.monitor(live)
  local early = otp.receive({tag = "DOWN", ref = rc}, 1000 - otp.now() + 1500) -- till 2.5 s
  local m = early or otp.receive({tag = "DOWN", ref = rc}, 10000)
  got.c = {early or "nothing before 2.5 s", m, otp.now() - 1000}
end)
sim.at(1000, function() sim.partition("n1", "n3") end)

sim.at(100, function() sim.crash("n4") end)
sim.spawn("n1", function()
  otp.sleep(200)
  -- d) node that is down
  local t = otp.now()
  otp.monitor_node("n4", true)
  local m = otp.receive(2000)
  got.d_node = {m or "nothing", otp.now() - t}
  t = otp.now()
  local r = otp.monitor({"foo", "n4"})
  m = otp.receive(2000)
  got.d_mon = {m or "nothing", otp.now() - t, r}
  -- e) no such node
  t = otp.now()
  otp.monitor_node("no_such_node", true)
  m = otp.receive(2000)
  got.e = {m or "nothing", otp.now() - t}
end)

sim.partition("n1", "n5")
sim.spawn("n1", function()
  otp.sleep(300)
  local t = otp.now()
  otp.monitor_node("n5", true)
  local m = otp.receive(20000)
  got.f = {m or "nothing", otp.now() - t}
end)

sim.run{duration = "30s"}

E.check("a) monitor of a dead remote pid: DOWN noproc after one round trip", function()
  local m, dt, dead, ref = table.unpack(got.a)
  return {m, dt}, {{tag = "DOWN", ref = ref, type = "process", object = dead, reason = "noproc"},
                   E.match_between(10, 11)}
end)

E.check("b) monitor of an unregistered remote name: DOWN noproc, object {name, node}", function()
  local m, dt, ref = table.unpack(got.b)
  return {m, dt}, {{tag = "DOWN", ref = ref, type = "process", object = {"nobody", "n2"},
                    reason = "noproc"}, E.match_between(10, 11)}
end)

E.check("c) monitor of a live pid across a silent partition: DOWN noconnection at the tick timeout", function()
  return got.c, {"nothing before 2.5 s",
                 {tag = "DOWN", ref = rc, type = "process", object = live, reason = "noconnection"},
                 E.match_between(2000, 5000)}
end)

E.check("d) monitor_node on a crashed node: {nodedown} after the refused connection attempt", function()
  return got.d_node, {{tag = "nodedown", node = "n4"}, E.match_between(10, 21)}
end)

E.check("d) monitor {foo, crashed node}: DOWN noconnection, object {foo, node}", function()
  local m, dt, ref = table.unpack(got.d_mon)
  return {m, dt}, {{tag = "DOWN", ref = ref, type = "process", object = {"foo", "n4"},
                    reason = "noconnection"}, E.match_between(10, 21)}
end)

E.check("e) monitor_node on a node that does not exist: {nodedown} at once", function()
  return got.e, {{tag = "nodedown", node = "no_such_node"}, E.match_between(0, 1)}
end)

E.check("f) monitor_node on an unreachable node: {nodedown} when setup gives up (7 s)", function()
  return got.f, {{tag = "nodedown", node = "n5"}, E.match_between(7000, 7001)}
end)
