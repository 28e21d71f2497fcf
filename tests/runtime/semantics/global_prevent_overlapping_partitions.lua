-- global_prevent_overlapping_partitions.lua
-- otp-semantics §6.3: "prevent_overlapping_partitions ... is on by default in OTP 25. When a node
-- learns that a peer lost its connection to a third node, global actively disconnects nodes so
-- that only fully connected partitions remain." "Observed [RUN] in a fully meshed 3-node cluster
-- (n5, n6, n7): `disconnect_node(n6)` on n5 led global on n6 and n5 to also disconnect n7
-- ('…disconnected node … in order to prevent overlapping partitions'). Final state: all three
-- nodes isolated (`nodes() = []` on each). Nothing reconnected within 3 s." (§9: true by
-- default in OTP 25.)
-- Here n5, n6, n7 are fully meshed and in sync, each with a global name for a process of its own.
-- At 2 s a process on n5 calls otp.disconnect_node("n6"). Then:
--   * nodes() is empty on every node at 2.5 s and still at 5 s (nothing reconnected);
--   * every node saw exactly the nodedowns of its two connections and no nodeup after 2 s: n5
--     and n6 lost each other (disconnect / connection_closed), then n7 asked both to drop it and
--     each of them disconnected n7 (reason "disconnect" on n5 and n6, "connection_closed" on n7);
--   * each node keeps only its own name (the others' went with their connections).
local E = require("lib.expect")

local NODES = {"n5", "n6", "n7"}
for _, n in ipairs(NODES) do sim.node(n) end

local events = {n5 = {}, n6 = {}, n7 = {}}
local samples = {}

for i, me in ipairs(NODES) do
  sim.spawn(me, function()
    otp.monitor_nodes(true)
    for j = i + 1, #NODES do otp.connect_node(NODES[j]) end
    otp.global.sync()
    otp.global.register_name("on_" .. me, otp.spawn(function() otp.receive() end))
    while true do
      local m = otp.receive()
      if otp.now() >= 1999 then
        events[me][#events[me] + 1] = {m.tag, m.node, m.reason}
      end
    end
  end)
end

sim.spawn("n5", function()
  otp.sleep(2000)
  otp.disconnect_node("n6")
end)

local function sample(label)
  for _, n in ipairs(NODES) do
    sim.spawn(n, function()
      samples[label] = samples[label] or {}
      samples[label][n] = {nodes = otp.nodes(), names = otp.global.registered_names()}
    end)
  end
end
sim.at("1900ms", function() sample("before") end)
sim.at("2500ms", function() sample("after") end)
sim.at("5s", function() sample("later") end)

sim.run{duration = "6s"}

E.check("before the fault: a full mesh, every name everywhere", function()
  local all = {"on_n5", "on_n6", "on_n7"}
  return samples.before, {n5 = {nodes = {"n6", "n7"}, names = all},
                          n6 = {nodes = {"n5", "n7"}, names = all},
                          n7 = {nodes = {"n5", "n6"}, names = all}}
end)

E.check("one disconnect isolates all three nodes, and nothing reconnects", function()
  local want = {n5 = {nodes = {}, names = {"on_n5"}}, n6 = {nodes = {}, names = {"on_n6"}},
                n7 = {nodes = {}, names = {"on_n7"}}}
  return {samples.after, samples.later}, {want, want}
end)

E.check("nodedowns: n5-n6 first, then n5 and n6 disconnect n7; no nodeup", function()
  return events, {
    n5 = {{"nodedown", "n6", "disconnect"}, {"nodedown", "n7", "disconnect"}},
    n6 = {{"nodedown", "n5", "connection_closed"}, {"nodedown", "n7", "disconnect"}},
    n7 = {{"nodedown", "n6", "connection_closed"}, {"nodedown", "n5", "connection_closed"}}}
end)
