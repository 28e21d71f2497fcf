-- dist_tick_keeps_connection_up.lua
-- otp-semantics §6.2: "A tick is sent if nothing else was sent during an interval. A node is
-- declared down when **nothing at all** has been received during the last `NetTickIntensity`
-- intervals." sim/net.h: "every net_ticktime / intensity each node sends a tick on every
-- connection it has not written to".
-- Here net_ticktime = 4 s (interval 1 s), set before the nodes are defined, for 60 s with no
-- fault: 8 idle pairs (only ticks flow) and 4 pairs where one end sends data every 300 ms (it
-- then never needs to tick; the data keeps the connection alive at the other end). No nodedown
-- anywhere; the idle ends tick once per interval, the sending ends (almost) never.
local E = require("lib.expect")

sim.net{net_ticktime = 4}
local N, M = 8, 4
for k = 1, N do
  sim.node("a" .. k)
  sim.node("b" .. k)
end
for k = 1, M do
  sim.node("c" .. k)
  sim.node("d" .. k)
end

local downs = {}
local function watch_and_connect(me, peer, traffic)
  sim.spawn(me, function()
    otp.monitor_nodes(true)
    otp.connect_node(peer)
    if traffic then
      local sink = otp.spawn(peer, function() while true do otp.receive() end end)
      otp.spawn(function()
        while true do
          otp.sleep(300)
          otp.send(sink, "data")
        end
      end)
    end
    while true do
      local m = otp.receive()
      if m.tag == "nodedown" then downs[#downs + 1] = {otp.node(), m.reason, otp.now()} end
    end
  end)
end
for k = 1, N do watch_and_connect("a" .. k, "b" .. k, false) end
for k = 1, M do watch_and_connect("c" .. k, "d" .. k, true) end

sim.run{duration = "60s"}

E.check("no connection goes down in 60 s", function() return downs, {} end)
E.check("ticks: about one per interval per idle end (2 x 8 idle + 4 receiving-only ends)", function()
  local ends = 2 * N + M
  return sim.net_stats().ticks, E.match_between(ends * 57, ends * 60)
end)
