-- lost_write.lua — a planted bug for the shrinker (docs/reproducing.md, tests/repro).
--
-- A tiny replicated register written in Lua: a client on "a" writes every 20 ms to the primary on
-- "b", which acknowledges at once and replicates to the backup on "c" in the background. While
-- the link b-c is cut, acknowledged writes wait on b; when the link is back they reach c. The
-- bug: the pending writes live only in b's memory, so a crash of b while b and c are partitioned
-- loses acknowledged writes. Neither fault alone loses anything: it takes a partition that cuts
-- b from c and a crash of b that overlap. The nemesis injects 20+ faults of many kinds; the
-- shrinker must find the two that matter.
sim.node("a", {cores = 1})
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
sim.every("20ms", function()
  local b_up = sim.node_stats("b").up
  if not b_up then          -- b crashed: whatever was pending there is gone
    lost = lost + pending
    pending = 0
    return
  end
  acked = acked + 1         -- a write, acknowledged by b
  pending = pending + 1
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
