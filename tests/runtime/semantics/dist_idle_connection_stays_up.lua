-- dist_idle_connection_stays_up.lua
-- otp-semantics §6.2: "A tick is sent if nothing else was sent during an interval. A node is
-- declared down when **nothing at all** has been received during the last `NetTickIntensity`
-- intervals." sim/net.h: "every net_ticktime / intensity each node sends a tick on every
-- connection it has not written to". So a healthy idle connection never times out.
-- Here eight idle pairs with net_ticktime = 4 s (interval 1 s), sim.net called after the nodes
-- are defined (as a scenario may well do), run for 60 s with no fault: no nodedown anywhere, and
-- ticks are sent (about one per interval per end).
-- Regression: each node's tick phase used to be drawn with the interval configured when the
-- node was added; it is now taken modulo the current interval (sim/net.c tick_arm).
local E = require("lib.expect")

local N = 8
for k = 1, N do
  sim.node("a" .. k)
  sim.node("b" .. k)
end
sim.net{net_ticktime = 4}   -- after sim.node: the tick interval must still be 1 s

local downs = {}
for k = 1, N do
  sim.spawn("a" .. k, function(peer)
    otp.monitor_nodes(true)
    otp.connect_node(peer)
    while true do
      local m = otp.receive()
      if m.tag == "nodedown" then downs[#downs + 1] = {otp.node(), m.reason, otp.now()} end
    end
  end, "b" .. k)
end

sim.run{duration = "60s"}

E.check("no idle connection goes down", function() return downs, {} end)
E.check("every end ticks about once per interval (2 ends x 8 pairs x ~59 intervals)", function()
  return sim.net_stats().ticks, E.match_between(2 * N * 55, 2 * N * 60)
end)
