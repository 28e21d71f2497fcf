-- dist_degrade_loss_is_delay.lua
-- otp-semantics §1.1: "If A sends S1 and then S2 to B, S1 never arrives after S2 (though S1 may
-- be lost over distribution)" and §11.3: "Messages in flight on a broken connection may be lost"
-- (only then); sim/net.h: "Loss on a degraded link is a retransmission delay (rto), not a lost
-- message: Erlang distribution runs over TCP."
-- Here n1 -> n2 (latency 5 ms, rto 200 ms) degraded at 1 s with +20 ms and 30 % packet loss:
-- 200 messages sent 1 ms apart all arrive, in order, none lost (net_stats), some of them at
-- least one rto late, none earlier than the degraded latency (25 ms); no nodedown. After
-- sim.heal the latency is back to 5 ms.
local E = require("lib.expect")

sim.net{latency = 5, rto = 200}
sim.node("n1")
sim.node("n2")

local got, downs = {}, {}
local sent_at = {}

for _, n in ipairs({"n1", "n2"}) do
  sim.spawn(n, function()
    otp.monitor_nodes(true)
    while true do
      local m = otp.receive()
      if m.tag == "nodedown" then downs[#downs + 1] = {otp.node(), m.reason} end
    end
  end)
end

local after_heal
sim.spawn("n1", function()
  local me = otp.self()
  local dst = otp.spawn("n2", function()
    while true do
      local m = otp.receive()
      if m == "ping" then otp.send(me, "pong")
      else got[#got + 1] = {m, otp.now()} end
    end
  end)
  otp.sleep(1100 - otp.now())
  for i = 1, 200 do
    sent_at[i] = otp.now()
    otp.send(dst, i)
    otp.sleep(1)
  end
  otp.sleep(5100 - otp.now())             -- healed at 5 s
  local t = otp.now()
  otp.send(dst, "ping")
  otp.receive(function(m) return m == "pong" end)
  after_heal = otp.now() - t
end)

sim.at(1000, function() sim.degrade("n1", "n2", {latency = 20, loss_ppm = 300000}) end)
sim.at(5000, function() sim.heal("n1", "n2") end)
sim.run{duration = "10s"}

local function seq(n) local t = {} for i = 1, n do t[i] = i end return t end

E.check("all 200 messages arrive, in order, none lost", function()
  local msgs = {}
  for i, r in ipairs(got) do msgs[i] = r[1] end
  return {msgs, sim.net_stats().lost}, {seq(200), 0}
end)

E.check("delays: never below the degraded latency, some at least one rto", function()
  local min, max = math.huge, 0
  for i, r in ipairs(got) do
    local d = r[2] - sent_at[i]
    min = math.min(min, d)
    max = math.max(max, d)
  end
  return {min >= 25, max >= 225}, {true, true}
end)

E.check("no nodedown; after the heal a round trip is 2 x 5 ms again", function()
  return {downs, after_heal}, {{}, E.match_between(10, 11)}
end)
