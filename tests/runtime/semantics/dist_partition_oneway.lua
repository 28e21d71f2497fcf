-- dist_partition_oneway.lua
-- otp-semantics §6.2: "A node is declared down when **nothing at all** has been received during
-- the last `NetTickIntensity` intervals", reason `net_tick_timeout`; §6.1: the other
-- `nodedown_reason`s include `connection_closed`; sim/net.h: "closes a connection on which it
-- has received nothing for `intensity` intervals (net_tick_timeout)", "when an end goes down it
-- drops what it had not delivered and sends CLOSE", "A blocked channel (partition) holds its
-- packets and sends them again when healed".
-- With net_ticktime 4 s (interval 1 s) and a 5 ms latency:
--   a) sim.partition_oneway(from, to) at 10 s: `to` stops receiving and is the one that
--      detects, net_tick_timeout within [2 s, 5 s]; its CLOSE travels the working direction, so
--      `from` sees connection_closed exactly one latency later (before any timeout of its own).
--      Checked for both orientations of a pair (a1 -> b1 blocked, b2 -> a2 blocked). Messages
--      `from` sent after the partition are lost with the connection: none arrives after the heal.
--   b) a full partition healed as soon as one end has timed out: that end's CLOSE, held by the
--      partition, arrives after the heal, and the other end sees connection_closed one latency
--      after the heal instead of its own timeout.
local E = require("lib.expect")

sim.net{latency = 5, net_ticktime = 4}
for _, n in ipairs({"a1", "b1", "a2", "b2", "c", "d"}) do sim.node(n) end

local AT = 10000
local seen = {}          -- seen[node] = {reason, time}
local late = {}          -- messages received by the blocked side's sinks after the partition

local function watch(me, peer)
  sim.spawn(me, function()
    otp.monitor_nodes(true)
    local m = otp.receive({tag = "nodedown", node = peer})
    seen[me] = {m.reason, otp.now()}
  end)
end

-- a) ---------------------------------------------------------------------------------------
local cases = {{from = "a1", to = "b1"}, {from = "b2", to = "a2"}}
for _, c in ipairs(cases) do
  watch(c.from, c.to)
  watch(c.to, c.from)
  late[c.to] = {}
  sim.spawn(c.from, function()
    otp.sleep(1)
    local sink = otp.spawn(c.to, function()
      while true do
        local m = otp.receive()
        if otp.now() >= AT then late[c.to][#late[c.to] + 1] = m end
      end
    end)
    otp.sleep(AT + 500 - otp.now())
    for i = 1, 3 do otp.send(sink, i) end   -- held by the partition, then lost with the connection
  end)
  sim.at(AT, function() sim.partition_oneway(c.from, c.to) end)
end
sim.at(30000, function() sim.heal() end)

-- b) ---------------------------------------------------------------------------------------
watch("c", "d")
watch("d", "c")
sim.spawn("c", function() otp.connect_node("d") end)
local healed_at
sim.at(AT, function()
  sim.partition("c", "d")
  sim.every(1, function()
    local cd, dc = sim.connected("c", "d"), sim.connected("d", "c")
    if cd ~= dc then              -- exactly one end has timed out
      sim.heal("c", "d")
      healed_at = sim.now()
      return false
    end
  end)
end)

sim.run{duration = "60s"}

local LO, HI = AT + 2000, AT + 5000

E.check("a) the end that stops receiving detects first: net_tick_timeout within [2 s, 5 s]", function()
  local got, want = {}, {}
  for _, c in ipairs(cases) do
    got[c.to] = seen[c.to] or "no nodedown"
    want[c.to] = {"net_tick_timeout", E.match_between(LO, HI)}
  end
  return got, want
end)

E.check("a) the other end sees connection_closed one latency (5 ms) later", function()
  local got, want = {}, {}
  for _, c in ipairs(cases) do
    got[c.from] = seen[c.from] or "no nodedown"
    local t = seen[c.to] and seen[c.to][2] or -1
    want[c.from] = {"connection_closed", E.match_between(t + 5, t + 5.5)}
  end
  return got, want
end)

E.check("a) messages sent into the blocked direction are lost with the connection", function()
  return late, {b1 = {}, a2 = {}}
end)

E.check("b) full partition healed after one end timed out: the other sees connection_closed after the heal", function()
  local first, second
  if seen.c and seen.d then
    if seen.c[2] < seen.d[2] then first, second = seen.c, seen.d else first, second = seen.d, seen.c end
  end
  return {first and first[1], second and second[1], second and second[2] - (healed_at or 0)},
         {"net_tick_timeout", "connection_closed", E.match_between(5, 5.5)}
end)
