-- dist_tick_timeout_window.lua
-- otp-semantics §6.2: "`TickInterval = NetTickTime / NetTickIntensity` ... A node is declared
-- down when **nothing at all** has been received during the last `NetTickIntensity` intervals.
-- ... A simulator test should accept `[NT − NT/I − one interval of slack, NT + NT/I]`" and
-- "`nodedown_reason = net_tick_timeout`"; "Event order at the watcher is the same as for an
-- explicit disconnect: 'EXIT' noconnection, 'DOWN' noconnection, {nodedown,N},
-- {nodedown,N,#{nodedown_reason=>net_tick_timeout}}".
-- Here net_ticktime = 4 s, intensity 4 (interval 1 s): a silent partition (sim.partition) is
-- detected by each end within [2 s, 5 s] of the partition, with reason net_tick_timeout, for 8
-- idle pairs partitioned at different phases, 4 pairs carrying traffic of different periods
-- (so the last packet before the partition comes at varied times) and 3 pairs partitioned in
-- the first intervals after their handshake. One pair's watcher also
-- checks the full signal order.
local E = require("lib.expect")

local NT, I = 4, 4
local INTERVAL = NT * 1000 / I
local LO, HI = NT * 1000 - 2 * INTERVAL, NT * 1000 + INTERVAL   -- 2000 .. 5000 ms
sim.net{net_ticktime = NT, tick_intensity = I, latency = 2}

local pairs_ = {}   -- {a, b, at, period}
for k = 1, 8 do pairs_[#pairs_ + 1] = {a = "a" .. k, b = "b" .. k, at = 10000 + (k - 1) * 137} end
for k, period in ipairs({300, 700, 1300, 1900}) do
  pairs_[#pairs_ + 1] = {a = "c" .. k, b = "d" .. k, at = 10000 + k * 211, period = period}
end
for k, at in ipairs({500, 1300, 2100}) do   -- soon after the handshake
  pairs_[#pairs_ + 1] = {a = "e" .. k, b = "f" .. k, at = at}
end

local detect = {}   -- detect[node] = {reason, ms after the partition}
local order          -- what the watcher of pair 1 saw

for _, p in ipairs(pairs_) do
  sim.node(p.a)
  sim.node(p.b)
  -- b's side: subscribes from the start, then waits for the nodedown
  sim.spawn(p.b, function(peer, at)
    otp.monitor_nodes(true)
    otp.receive({tag = "nodeup", node = peer})
    local m = otp.receive({tag = "nodedown", node = peer})
    detect[otp.node()] = {m.reason, otp.now() - at}
  end, p.a, p.at)
  -- a's side: connects, subscribes, and, with a period, sends to a sink on b until the partition
  sim.spawn(p.a, function(peer, at, period)
    otp.connect_node(peer)
    otp.monitor_nodes(true)
    if period then
      local sink = otp.spawn(peer, function() while true do otp.receive() end end)
      otp.spawn_link(function()
        local n = 0
        while otp.now() + period < at do
          otp.sleep(period)
          n = n + 1
          otp.send(sink, n)
        end
      end)
    end
    local m = otp.receive({tag = "nodedown", node = peer})
    detect[otp.node()] = {m.reason, otp.now() - at}
  end, p.b, p.at, p.period)
  sim.at(p.at, function() sim.partition(p.a, p.b) end)
end

-- The watcher of §1.7 on a separate pair, partitioned silently.
sim.node("w1")
sim.node("w2")
local W_AT = 10500
local w = {}
sim.spawn("w1", function()
  otp.process_flag("trap_exit", true)
  otp.connect_node("w2") -- up before the subscription: no nodeup in the record
  w.linked = otp.spawn_link("w2", function() otp.receive() end)
  w.monitored = otp.spawn("w2", function() otp.receive() end)
  w.ref = otp.monitor(w.monitored)
  otp.monitor_node("w2", true)
  otp.monitor_nodes(true)
  order = {}
  while true do
    local m = otp.receive(20000)
    if not m then break end
    order[#order + 1] = m
    if m.tag == "nodedown" and m.reason then w.after = otp.now() - W_AT end
  end
end)
sim.at(W_AT, function() sim.partition("w1", "w2") end)

sim.run{duration = "40s"}

E.check("every end detects the silent partition within [2 s, 5 s], reason net_tick_timeout", function()
  local got, want = {}, {}
  for _, p in ipairs(pairs_) do
    for _, n in ipairs({p.a, p.b}) do
      got[n] = detect[n] or "no nodedown"
      want[n] = {"net_tick_timeout", E.match_between(LO, HI)}
    end
  end
  return got, want
end)

E.check("the partition phases really differ (detection times are not all alike)", function()
  local lo, hi = math.huge, -math.huge
  for _, d in pairs(detect) do
    lo = math.min(lo, d[2])
    hi = math.max(hi, d[2])
  end
  return hi - lo > INTERVAL / 2, true
end)

E.check("watcher: EXIT, DOWN, nodedown, nodedown net_tick_timeout, in that order", function()
  return order, {
    {tag = "EXIT", from = w.linked, reason = "noconnection"},
    {tag = "DOWN", ref = w.ref, type = "process", object = w.monitored, reason = "noconnection"},
    {tag = "nodedown", node = "w2"},
    {tag = "nodedown", node = "w2", reason = "net_tick_timeout"},
  }
end)

E.check("watcher: detection within [2 s, 5 s]", function()
  return w.after, E.match_between(LO, HI)
end)
