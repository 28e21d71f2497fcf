-- dist_tick_timeout_default_window.lua
-- otp-semantics §6.2: "The defaults are 60 s and 4" and "Documented detection time T for a
-- frozen peer: `NetTickTime − NetTickTime/Intensity < T < NetTickTime + NetTickTime/Intensity`,
-- i.e. **45–75 s** by default. [DOC kernel(6)]"; the reason is `net_tick_timeout`.
-- Here the default network settings (no sim.net call): six idle pairs, each partitioned silently
-- at a different phase once ticking is steady (from 100 s on: every end has sent a tick in each
-- interval since the handshake, so the last packet before the partition is at most one interval
-- old, as with a peer that freezes); both ends of every pair see nodedown net_tick_timeout
-- between 45 s and 75 s after the partition, and not before 45 s (at 44.9 s: still connected).
-- (Right after the handshake the gap between packets can be two intervals, hence the slack of
-- dist_tick_timeout_window.lua; not here.)
local E = require("lib.expect")

local pairs_ = {}
for k = 1, 6 do pairs_[k] = {a = "a" .. k, b = "b" .. k, at = 100000 + (k - 1) * 7321} end

local detect = {}
local early = {}

for _, p in ipairs(pairs_) do
  sim.node(p.a)
  sim.node(p.b)
  for _, side in ipairs({{p.a, p.b}, {p.b, p.a}}) do
    sim.spawn(side[1], function(peer, at)
      otp.monitor_nodes(true)
      if otp.node() < peer then otp.connect_node(peer) end
      otp.receive({tag = "nodeup", node = peer})
      local m = otp.receive({tag = "nodedown", node = peer})
      detect[otp.node()] = {m.reason, otp.now() - at}
    end, side[2], p.at)
  end
  sim.at(p.at, function() sim.partition(p.a, p.b) end)
  sim.at(p.at + 44900, function()
    early[p.a] = {sim.connected(p.a, p.b), sim.connected(p.b, p.a)}
  end)
end

sim.run{duration = "300s"}

E.check("default net_ticktime: each end detects within 45-75 s, reason net_tick_timeout", function()
  local got, want = {}, {}
  for _, p in ipairs(pairs_) do
    for _, n in ipairs({p.a, p.b}) do
      got[n] = detect[n] or "no nodedown"
      want[n] = {"net_tick_timeout", E.match_between(45000, 75000)}
    end
  end
  return got, want
end)

E.check("still connected at partition + 44.9 s (both views)", function()
  local want = {}
  for _, p in ipairs(pairs_) do want[p.a] = {true, true} end
  return early, want
end)
