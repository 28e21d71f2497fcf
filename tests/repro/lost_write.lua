-- lost_write.lua — a planted bug for the shrinker (docs/reproducing.md, tests/repro).
--
-- A tiny replicated register written in Lua: clients on nodes a1..aN (N = `clients`) each write
-- `writes` times a second to the primary on "b", which acknowledges at once and replicates to the
-- backup on "c" in the background. While
-- the link b-c is cut, acknowledged writes wait on b; they reach c with the first write after the
-- link is back. The bug: the pending writes live only in b's memory, so a crash of b before they
-- reach c loses acknowledged writes. Neither fault alone loses anything: it takes a partition
-- that cuts b from c and then a crash of b before the next write (at 50 writes a second the two
-- must overlap; at one a second the crash may come up to a second after the heal). The nemesis injects 20+ faults of many kinds; the
-- shrinker must find the two that matter, and that one client writing a few times a second is
-- enough (both parameters declare a shrink floor).
local clients = sim.param("clients", 3, {shrink = 1})
local writes = sim.param("writes", 50, {shrink = 1})
for i = 1, clients do sim.node("a" .. i, {cores = 1}) end
sim.node("b", {cores = 1})
sim.node("c", {cores = 1})

-- the service's view of the network: is the replication link b-c cut?
local cut = false
local partition, partition_oneway, heal = sim.partition, sim.partition_oneway, sim.heal
local function side(groups, n)
  for i, g in ipairs(groups) do
    for _, m in ipairs(type(g) == "table" and g or {g}) do if m == n then return i end end
  end
  return 0
end
sim.partition = function(...)
  local groups = {...}
  if side(groups, "b") ~= side(groups, "c") then cut = true end
  return partition(...)
end
sim.partition_oneway = function(x, y)
  if (x == "b" and y == "c") or (x == "c" and y == "b") then cut = true end
  return partition_oneway(x, y)
end
sim.heal = function(...) cut = false; return heal(...) end

local acked, on_backup, pending, lost = 0, 0, 0, 0
sim.every(string.format("%.6gms", 1000 / writes), function()
  local b_up = sim.node_stats("b").up
  if not b_up then          -- b crashed: whatever was pending there is gone
    lost = lost + pending
    pending = 0
    return
  end
  for i = 1, clients do
    if sim.node_stats("a" .. i).up then
      acked = acked + 1     -- a write from client i, acknowledged by b
      pending = pending + 1
    end
  end
  if not cut then           -- replication catches up
    on_backup = on_backup + pending
    pending = 0
  end
end, {to = "25s"})

if sim.param("nemesis", true) then
  sim.nemesis{rate = sim.param("rate", 3), from = "1s", to = "20s", duration = "1500ms",
              faults = {"crash", "partition", "slow", "clock_drift", "degrade", "pause"}}
end
-- PASTE HERE

sim.check("no acknowledged write lost", function()
  return lost == 0, string.format("%d of %d acknowledged writes lost", lost, acked)
end)
sim.run{duration = "26s"}
