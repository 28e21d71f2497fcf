-- dist_disconnect_signal_order.lua
-- otp-semantics §1.7: "On n1, a trapping process linked to a process on n2, monitoring another
-- one there, and subscribed through `monitor_node/2` and `net_kernel:monitor_nodes(true,
-- #{nodedown_reason=>true})` observed, after `erlang:disconnect_node(n2)`, all within 1 ms:
--   {'EXIT', PidOnN2, noconnection}
--   {'DOWN', Ref, process, PidOnN2, noconnection}
--   {nodedown, n2}                                   % monitor_node
--   {nodedown, n2, #{nodedown_reason => disconnect}} % monitor_nodes"
-- and §6.1: "`erlang:disconnect_node/1` forces a disconnect. The `nodedown_reason` is
-- `disconnect`"; the other end sees `connection_closed` (sim/net.h: net_disconnect). Here the
-- same four signals, exactly and in that order, at the instant of sim.disconnect on n1, and the
-- mirror set on n2 (reason "connection_closed") one latency later. Nothing else arrives.
local E = require("lib.expect")

sim.net{latency = 5}
sim.node("n1")
sim.node("n2")

local got = {n1 = {}, n2 = {}}
local when = {n1 = {}, n2 = {}}
local pids = {}

-- Watches `peer` from the calling process: trap exits, link to `link_to`, monitor `mon`,
-- monitor_node and monitor_nodes. record then keeps every message with its arrival time.
local function watch(peer, link_to, mon)
  otp.process_flag("trap_exit", true)
  otp.link(link_to)
  local ref = otp.monitor(mon)
  otp.monitor_node(peer, true)
  otp.monitor_nodes(true)
  return ref
end

local function record(side)
  while true do
    local m = otp.receive(3000)
    if not m then return end
    got[side][#got[side] + 1] = m
    when[side][#when[side] + 1] = otp.now()
  end
end

sim.spawn("n1", function()
  pids.w1 = otp.self()
  otp.connect_node("n2") -- up before anyone subscribes: no nodeup in the record
  pids.m1 = otp.spawn(function() otp.receive() end) -- monitored from n2
  -- on n2: the linked process (it is also n2's watcher) and the monitored one
  pids.m2 = otp.spawn("n2", function() otp.receive() end)
  pids.w2 = otp.spawn("n2", function(w1, m1)
    local ref = watch("n1", w1, m1)
    pids.ref2 = ref
    record("n2")
  end, otp.self(), pids.m1)
  pids.ref1 = watch("n2", pids.w2, pids.m2)
  record("n1")
end)

sim.at(100, function() sim.disconnect("n1", "n2") end)
sim.run{duration = "10s"}

E.check("n1 (disconnect_node caller): EXIT, DOWN, nodedown, nodedown reason disconnect", function()
  return got.n1, {
    {tag = "EXIT", from = pids.w2, reason = "noconnection"},
    {tag = "DOWN", ref = pids.ref1, type = "process", object = pids.m2, reason = "noconnection"},
    {tag = "nodedown", node = "n2"},
    {tag = "nodedown", node = "n2", reason = "disconnect"},
  }
end)

E.check("n1: all four at the disconnect instant", function()
  local t = when.n1
  return t, {E.match_between(100, 101), E.match_between(100, 101), E.match_between(100, 101),
             E.match_between(100, 101)}
end)

E.check("n2 (the other end): same order, nodedown reason connection_closed", function()
  return got.n2, {
    {tag = "EXIT", from = pids.w1, reason = "noconnection"},
    {tag = "DOWN", ref = pids.ref2, type = "process", object = pids.m1, reason = "noconnection"},
    {tag = "nodedown", node = "n1"},
    {tag = "nodedown", node = "n1", reason = "connection_closed"},
  }
end)

E.check("n2: all four one latency (5 ms) after the disconnect", function()
  return when.n2, {E.match_between(105, 106), E.match_between(105, 106), E.match_between(105, 106),
                   E.match_between(105, 106)}
end)

E.check("both ends are down", function()
  return {sim.connected("n1", "n2"), sim.connected("n2", "n1")}, {false, false}
end)
