-- dist_crash_detected_at_once.lua
-- otp-semantics §6.2: "A crashed node, as opposed to a hung one, is usually detected immediately
-- by TCP, giving `connection_closed`" and §11.3: "node crash (immediate `connection_closed` when
-- TCP notices)"; sim/net.h: "A crashed node's connections close at once (its OS sends CLOSE)".
-- Here n2 crashes (sim.crash) at 1 s with a 5 ms latency: a watcher on n1 (trapping, linked to a
-- process on n2, monitoring another, monitor_node and monitor_nodes) gets exactly
-- EXIT noconnection, DOWN noconnection, {nodedown}, {nodedown, connection_closed} in that order,
-- one latency after the crash (not after a tick timeout), and nothing else (the dying
-- processes' own signals died with the node's connection: no duplicates).
local E = require("lib.expect")

sim.net{latency = 5}
sim.node("n1")
sim.node("n2")

local got, when, w = {}, {}, {}

sim.spawn("n1", function()
  otp.process_flag("trap_exit", true)
  otp.connect_node("n2")
  w.linked = otp.spawn_link("n2", function() otp.receive() end)
  w.monitored = otp.spawn("n2", function() otp.receive() end)
  w.ref = otp.monitor(w.monitored)
  otp.monitor_node("n2", true)
  otp.monitor_nodes(true)
  while true do
    local m = otp.receive(5000)
    if not m then break end
    got[#got + 1] = m
    when[#when + 1] = otp.now()
  end
end)

sim.at(1000, function() sim.crash("n2") end)
sim.run{duration = "20s"}

E.check("watcher on n1: EXIT, DOWN noconnection, nodedown, nodedown connection_closed", function()
  return got, {
    {tag = "EXIT", from = w.linked, reason = "noconnection"},
    {tag = "DOWN", ref = w.ref, type = "process", object = w.monitored, reason = "noconnection"},
    {tag = "nodedown", node = "n2"},
    {tag = "nodedown", node = "n2", reason = "connection_closed"},
  }
end)

E.check("all one latency (5 ms) after the crash", function()
  local b = E.match_between(1005, 1006)
  return when, {b, b, b, b}
end)

E.check("n2 is down, n1 no longer connected", function()
  local st = sim.node_stats("n2")
  return {st.up, st.crashes, sim.connected("n1", "n2")}, {false, 1, false}
end)
