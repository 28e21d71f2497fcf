-- dist_no_automatic_reconnect.lua
-- otp-semantics §1.7: "Nodes do **not reconnect by themselves** after a disconnect. A connection
-- is set up again only by the next operation that needs one (send, spawn, monitor, `ping`)" and
-- "a `nodedown` always precedes the `nodeup` of a new connection (OTP ≥23)"; §11.3: "Do not
-- reconnect automatically unless an operation needs the connection."
-- Here (net_ticktime 4 s, so ticks run all along): n1 disconnects n2 at 1 s; for the next 9 s
-- neither node lists the other in otp.nodes() nor gets a nodeup. At 10 s a send from n1 sets a
-- new connection up: both get nodeup, the message is delivered, nodes() lists the peer again.
-- At 20 s a process disconnects and sends at once: on both nodes the nodedown of the old
-- connection comes before the nodeup of the new one, and the message sent after the
-- disconnect travels on the new connection.
local E = require("lib.expect")

-- sim.net before sim.node: see PENDING_dist_idle_connection_stays_up.lua.txt
sim.net{latency = 5, net_ticktime = 4}
sim.node("n1")
sim.node("n2")

local subs = {n1 = {}, n2 = {}}   -- monitor_nodes messages with arrival times
local nodes = {n1 = {}, n2 = {}}  -- otp.nodes() samples
local sink_got = {}
local sink

for _, me in ipairs({"n1", "n2"}) do
  sim.spawn(me, function()
    otp.monitor_nodes(true)
    while true do
      local m = otp.receive()
      m.at = otp.now()
      subs[me][#subs[me] + 1] = m
    end
  end)
  -- samples otp.nodes() without sending anything
  sim.spawn(me, function()
    for _, t in ipairs({500, 1010, 3000, 6000, 9999, 10100, 30000}) do
      otp.sleep(t - otp.now())
      nodes[me][#nodes[me] + 1] = otp.nodes()
    end
  end)
end

sim.spawn("n1", function()
  otp.sleep(1)
  sink = otp.spawn("n2", function()
    while true do
      local m = otp.receive()
      sink_got[#sink_got + 1] = {m, otp.now()}
    end
  end)
  otp.sleep(10000 - otp.now())
  otp.send(sink, "first")
  otp.sleep(20000 - otp.now())
  otp.disconnect_node("n2")
  otp.send(sink, "second")
end)

sim.at(1000, function() sim.disconnect("n1", "n2") end)
sim.run{duration = "40s"}

local function strip(list)
  local out = {}
  for i, m in ipairs(list) do
    out[i] = {m.tag, m.reason or "-"}
  end
  return out
end

E.check("otp.nodes(): peer gone from the disconnect until a send at 10 s reconnects", function()
  return nodes, {n1 = {{"n2"}, {}, {}, {}, {}, {"n2"}, {"n2"}},
                 n2 = {{"n1"}, {}, {}, {}, {}, {"n1"}, {"n1"}}}
end)

E.check("monitor_nodes on n1: up, down (disconnect), up, down (disconnect), up", function()
  return strip(subs.n1), {{"nodeup", "-"}, {"nodedown", "disconnect"}, {"nodeup", "-"},
                          {"nodedown", "disconnect"}, {"nodeup", "-"}}
end)

E.check("monitor_nodes on n2: up, down (connection_closed), up, down, up", function()
  return strip(subs.n2), {{"nodeup", "-"}, {"nodedown", "connection_closed"}, {"nodeup", "-"},
                          {"nodedown", "connection_closed"}, {"nodeup", "-"}}
end)

E.check("no nodeup between the disconnect and the send at 10 s", function()
  return {subs.n1[3] and subs.n1[3].at >= 10000, subs.n2[3] and subs.n2[3].at >= 10000},
         {true, true}
end)

E.check("both messages delivered, the second on the new connection (after n2's new nodeup)", function()
  local second = sink_got[2]
  return {#sink_got, sink_got[1] and sink_got[1][1], second and second[1],
          second and subs.n2[5] and second[2] >= subs.n2[5].at},
         {2, "first", "second", true}
end)
