-- dist_order_per_pair_jitter.lua
-- otp-semantics §1.1: "**The only ordering guarantee** is per ordered sender→receiver pair. If A
-- sends S1 and then S2 to B, S1 never arrives after S2 ... There is no causal or global order";
-- sim/net.h: "Each direction is a channel: a FIFO of packets ... arrives a latency later (a
-- constant or a distribution per pair); arrivals never overtake."
-- Here every packet's latency is drawn from sim.exp(5) (mean 5 ms, heavy jitter):
--   a) one sender on n1 sends 1000 numbered messages to a receiver on n2: received 1..1000;
--   b) senders on n1 and n3 each send 500 numbered messages to one receiver on n2, paced by
--      a random think time: each sender's subsequence arrives in order, and the two interleave
--      (neither sender's messages all arrive before the other's);
--   c) two processes on the same node n1 sending to one receiver on n2 share the n1->n2
--      channel: each one's sequence is in order too.
local E = require("lib.expect")

sim.net{latency = sim.exp(5)}
for _, n in ipairs({"n1", "n2", "n3"}) do sim.node(n) end

local recv = {a = {}, b = {}, c = {}}
local a_first, a_last

local function receiver(key, count)
  return function()
    for i = 1, count do
      recv[key][#recv[key] + 1] = otp.receive()
      if key == "a" and i == 1 then a_first = otp.now() end
      if key == "a" and i == count then a_last = otp.now() end
    end
  end
end

sim.spawn("n1", function()
  local a = otp.spawn("n2", receiver("a", 1000))
  local b = otp.spawn("n2", receiver("b", 1000))
  local c = otp.spawn("n2", receiver("c", 600))
  otp.sleep(100)
  for i = 1, 1000 do otp.send(a, i) end
  local think = sim.exp(0.5)
  for _, node in ipairs({"n1", "n3"}) do
    otp.spawn(node, function()
      for i = 1, 500 do
        otp.send(b, {from = node, n = i})
        otp.sleep(think:sample())
      end
    end)
  end
  for k = 1, 2 do
    otp.spawn(function()
      for i = 1, 300 do
        otp.send(c, {from = k, n = i})
        if i % 7 == 0 then otp.sleep(think:sample()) end
      end
    end)
  end
end)

sim.run{duration = "60s"}

-- The subsequence of `list` from sender `from`, as numbers; and the number of switches between
-- senders along the arrival order.
local function split(list, from)
  local out = {}
  for _, m in ipairs(list) do
    if m.from == from then out[#out + 1] = m.n end
  end
  return out
end

local function switches(list)
  local s = 0
  for i = 2, #list do
    if list[i].from ~= list[i - 1].from then s = s + 1 end
  end
  return s
end

local function seq(n)
  local t = {}
  for i = 1, n do t[i] = i end
  return t
end

E.check("a) 1000 messages from one sender arrive in order despite latency jitter", function()
  return recv.a, seq(1000)
end)

E.check("a) the latency really varies: sent at one instant, the arrivals spread over > 10 ms", function()
  return a_last - a_first > 10, true
end)

E.check("b) senders on two nodes: each sender's sequence in order", function()
  return {split(recv.b, "n1"), split(recv.b, "n3")}, {seq(500), seq(500)}
end)

E.check("b) ... and the two interleave", function()
  return switches(recv.b) > 10, true
end)

E.check("c) two senders on one node: each sequence in order, interleaved", function()
  return {split(recv.c, 1), split(recv.c, 2), switches(recv.c) > 10}, {seq(300), seq(300), true}
end)
