-- dist_connect_on_demand.lua
-- otp-semantics §6.1: "Connections are set up on demand (send, spawn, link, monitor, ping)" and
-- "`net_setuptime` (default 7 s) bounds each network operation during handshake"; §1.7: "A
-- connection is set up again only by the next operation that needs one (send, spawn, monitor,
-- `ping`)"; sim/net.h: "Every pair of nodes has at most one connection, set up on first use".
-- Here (latency 5 ms) a process on n1 does one operation towards each of n2..n8, which start
-- unconnected: a send to a pid (one the scenario spawned there, so no connection was needed to
-- learn it), a send to {name, node} (unregistered), a spawn, a link, a monitor, monitor_node and
-- ping. Each returns as usual and sets a connection up: n1 lists all seven in otp.nodes(), and
-- each peer's monitor_nodes subscriber gets nodeup for n1 when the handshake reaches it (3
-- latencies). Also: ping of a crashed node is "pang" after the refused attempt, ping of an
-- unreachable (partitioned) node "pang" after net_setuptime (7 s), ping of an unknown node "pang"
-- at once, ping of itself "pong".
local E = require("lib.expect")

sim.net{latency = 5}
local ops = {"send_pid", "send_name", "spawn", "link", "monitor", "monitor_node", "ping"}
local peer_of = {}
for i, op in ipairs(ops) do
  peer_of[op] = "n" .. (i + 1)
end
sim.node("n1")
for _, op in ipairs(ops) do sim.node(peer_of[op]) end
sim.node("crashed")
sim.node("unreachable")

local targets = {}     -- a pid on each peer, created by the scenario (no connection needed)
local peer_up = {}     -- time each peer got nodeup for n1
for _, op in ipairs(ops) do
  local peer = peer_of[op]
  targets[op] = sim.spawn(peer, function()
    otp.monitor_nodes(true)
    local m = otp.receive({tag = "nodeup"})
    peer_up[peer] = {m.node, otp.now()}
    otp.receive({never = true})
  end)
end

local before, after, ret = {}, {}, {}

sim.spawn("n1", function()
  otp.process_flag("trap_exit", true)
  otp.sleep(100)
  before = otp.nodes()
  local do_op = {
    send_pid = function(p) return otp.send(targets.send_pid, "hi") end,
    send_name = function(p) return otp.send({"nobody", p}, "hi") end,
    spawn = function(p) return otp.is_pid(otp.spawn(p, function() end)) end,
    link = function() return otp.link(targets.link) end,
    monitor = function() return otp.is_ref(otp.monitor(targets.monitor)) end,
    monitor_node = function(p) return otp.monitor_node(p, true) end,
    ping = function(p) return otp.ping(p) end,
  }
  for _, op in ipairs(ops) do
    otp.sleep(1000)
    ret[op] = do_op[op](peer_of[op])
  end
  otp.sleep(1000)
  after = otp.nodes()
end)

local pings = {}
sim.at(50, function() sim.crash("crashed") end)
sim.partition("n1", "unreachable")
sim.spawn("n1", function()
  otp.sleep(200)
  for _, n in ipairs({"crashed", "unreachable", "no_such_node", "n1"}) do
    local t = otp.now()
    pings[n] = {otp.ping(n), otp.now() - t}
  end
end)

sim.run{duration = "30s"}

E.check("n1 starts with no connection", function() return before, {} end)

E.check("each operation returns as usual", function()
  return ret, {send_pid = "hi", send_name = "hi", spawn = true, link = true, monitor = true,
               monitor_node = true, ping = "pong"}
end)

E.check("each operation set up a connection: n1 lists all seven peers", function()
  local want = {}
  for _, op in ipairs(ops) do want[#want + 1] = peer_of[op] end
  table.sort(after)
  table.sort(want)
  return after, want
end)

E.check("each peer got nodeup for n1, 3 latencies (15 ms) after the operation", function()
  local got, want = {}, {}
  for i, op in ipairs(ops) do
    local peer = peer_of[op]
    got[peer] = peer_up[peer] or "no nodeup"
    local t = 100 + i * 1000 + 15
    want[peer] = {"n1", E.match_between(t, t + 1)}
  end
  return got, want
end)

E.check("ping: crashed node pang after the refused attempt, unreachable pang after 7 s", function()
  return pings, {crashed = {"pang", E.match_between(10, 11)},
                 unreachable = {"pang", E.match_between(7000, 7001)},
                 no_such_node = {"pang", E.match_between(0, 0.5)},
                 n1 = {"pong", E.match_between(0, 0.5)}}
end)
