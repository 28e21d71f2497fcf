-- dist_inflight_lost_partition_held.lua
-- otp-semantics §1.1: "If A sends S1 and then S2 to B, S1 never arrives after S2 (though S1 may
-- be lost over distribution)"; §11.3: "Messages in flight on a broken connection may be lost.
-- Per-pair order holds only within one connection"; sim/net.h: "A blocked channel (partition)
-- holds its packets and sends them again when healed, as TCP retransmits, so a partition shorter
-- than the tick timeout only delays messages. Messages are lost only with their connection".
-- Here:
--   a) n1 -> n2 with 500 ms latency: 3 messages in flight when n1 disconnects, and, on a new
--      connection, 3 more in flight when n2 disconnects (the receiving end closes): none of the
--      six arrives; the messages that set up new connections do (the receiver is alive);
--      net_stats counts 6 lost;
--   b) n3 -> n4 (latency 100 ms, default 60 s ticks): 5 messages sent 50 ms before a 10 s
--      partition (in flight when it starts) and 15 sent during it: all 20 arrive after the heal,
--      in order, and neither end sees a nodedown;
--   c) n5 -> n6: 10 messages sent during a partition that outlasts the tick timeout (default
--      60 s: 50 s .. 150 s) are lost with the connection: after the heal none arrives, and a
--      message sent after the heal does, on a fresh connection (both ends saw nodedown
--      net_tick_timeout).
local E = require("lib.expect")

for _, n in ipairs({"n1", "n2", "n3", "n4", "n5", "n6"}) do sim.node(n) end
sim.link("n1", "n2", {latency = 500})
sim.link("n3", "n4", {latency = 100})

local a_got, b_got, downs = {}, {}, {}
local lost_before

local function sink(store)
  return function()
    while true do
      local m = otp.receive()
      store[#store + 1] = {m, otp.now()}
    end
  end
end

-- a) ---------------------------------------------------------------------------------------
sim.spawn("n1", function()
  local dst = otp.spawn("n2", sink(a_got))
  otp.sleep(3000)                         -- connection up (2 s), sink running
  for i = 1, 3 do otp.send(dst, "lost-by-sender-close-" .. i) end      -- arrive at 3.5 s
  otp.sleep(5000 - otp.now())
  otp.send(dst, "reconnect")              -- a new connection: up on n2 at 6.5 s, n1 at 7 s
  otp.sleep(8000 - otp.now())
  for i = 1, 3 do otp.send(dst, "lost-by-receiver-close-" .. i) end    -- arrive at 8.5 s
  otp.sleep(10000 - otp.now())
  otp.send(dst, "after")
end)
sim.at(3200, function()
  lost_before = sim.net_stats().lost
  sim.disconnect("n1", "n2")              -- the sender's end closes
end)
sim.at(8200, function() sim.disconnect("n2", "n1") end)   -- the receiver's end closes
local lost_a
sim.at(20000, function() lost_a = sim.net_stats().lost - lost_before end)

-- b) ---------------------------------------------------------------------------------------
for _, n in ipairs({"n3", "n4"}) do
  sim.spawn(n, function()
    otp.monitor_nodes(true)
    while true do
      local m = otp.receive()
      if m.tag == "nodedown" then downs[#downs + 1] = {otp.node(), m.reason} end
    end
  end)
end
sim.spawn("n3", function()
  local dst = otp.spawn("n4", sink(b_got))
  otp.sleep(2950 - otp.now())
  for i = 1, 5 do otp.send(dst, i) end      -- in flight at 3 s
  otp.sleep(3500 - otp.now())
  for i = 6, 20 do
    otp.send(dst, i)
    otp.sleep(100)
  end
end)
sim.at(3000, function() sim.partition("n3", "n4") end)
sim.at(13000, function() sim.heal("n3", "n4") end)

-- c) ---------------------------------------------------------------------------------------
local c_got, c_downs = {}, {}
for _, n in ipairs({"n5", "n6"}) do
  sim.spawn(n, function()
    otp.monitor_nodes(true)
    while true do
      local m = otp.receive()
      if m.tag == "nodedown" then c_downs[otp.node()] = m.reason end
    end
  end)
end
sim.spawn("n5", function()
  local dst = otp.spawn("n6", sink(c_got))
  otp.sleep(60000 - otp.now())
  for i = 1, 10 do
    otp.send(dst, "held-" .. i)
    otp.sleep(100)
  end
  otp.sleep(160000 - otp.now())
  otp.send(dst, "fresh")
end)
sim.at(50000, function() sim.partition("n5", "n6") end)
sim.at(150000, function() sim.heal("n5", "n6") end)

sim.run{duration = "200s"}

E.check("a) messages in flight when either end closes are lost; later ones arrive", function()
  local msgs = {}
  for i, r in ipairs(a_got) do msgs[i] = r[1] end
  return {msgs, lost_a}, {{"reconnect", "after"}, 6}
end)

E.check("b) messages held by a 10 s partition arrive after the heal, all, in order", function()
  local msgs, after_heal = {}, true
  for i, r in ipairs(b_got) do
    msgs[i] = r[1]
    if r[2] < 13000 then after_heal = false end
  end
  local want = {}
  for i = 1, 20 do want[i] = i end
  return {msgs, after_heal}, {want, true}
end)

E.check("b) a partition shorter than the tick timeout: no nodedown on either end", function()
  return {downs, sim.connected("n3", "n4"), sim.connected("n4", "n3")}, {{}, true, true}
end)

E.check("c) messages held by a partition longer than the tick timeout are lost; a later one arrives", function()
  local msgs = {}
  for i, r in ipairs(c_got) do msgs[i] = r[1] end
  return {msgs, c_downs}, {{"fresh"}, {n5 = "net_tick_timeout", n6 = "net_tick_timeout"}}
end)
