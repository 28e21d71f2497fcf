-- global_overlapping_partitions_allowed.lua
-- otp-semantics §6.3: prevent_overlapping_partitions "was introduced in 24.3, disabled there, and
-- is on by default in OTP 25"; with it off, global does not act on a lost connection (global(3):
-- "global will actively disconnect from nodes that report that they have lost connections to
-- other nodes" only when it is true), and "A name is removed when its process dies or its node
-- goes down". So a single lost link leaves overlapping partitions: a node still connected to both
-- ends keeps names the ends no longer share.
-- Here the run of global_prevent_overlapping_partitions.lua with
-- otp.global.config{prevent_overlapping_partitions = false}: after n5 disconnects n6, n5 and n6
-- stay connected to n7 (nodes(): n5 {n7}, n6 {n7}, n7 {n5, n6}), still at 5 s. n7 keeps all
-- three names; n5 no longer has n6's name and n6 no longer has n5's. Only the n5-n6 nodedowns
-- happen.
local E = require("lib.expect")

otp.global.config{prevent_overlapping_partitions = false}

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
sim.at("2500ms", function() sample("after") end)
sim.at("5s", function() sample("later") end)

sim.run{duration = "6s"}

E.check("the config reads back", function()
  return {otp.global.config(), otp.global.config{node = "n5"}},
         {{prevent_overlapping_partitions = false}, {prevent_overlapping_partitions = false}}
end)

E.check("n5 and n6 both stay connected to n7: overlapping partitions", function()
  local want = {n5 = {nodes = {"n7"}, names = {"on_n5", "on_n7"}},
                n6 = {nodes = {"n7"}, names = {"on_n6", "on_n7"}},
                n7 = {nodes = {"n5", "n6"}, names = {"on_n5", "on_n6", "on_n7"}}}
  return {samples.after, samples.later}, {want, want}
end)

E.check("only the n5-n6 connection went down", function()
  return events, {n5 = {{"nodedown", "n6", "disconnect"}},
                  n6 = {{"nodedown", "n5", "connection_closed"}}, n7 = {}}
end)
