-- nemesis.lua — sim.nemesis: random fault schedules drawn from the seed (Jepsen style), with a
-- swarm mode (the enabled fault kinds and their weights are themselves drawn from the seed).
-- Every action goes through the sim.* fault functions, so each one is a "fault" trace event.
-- At `to` everything heals (partitions, degradations, slow nodes, clock drift; crashed nodes
-- restart) and the liveness phase begins: sim.eventually counts from there.
--
-- The schedule is recorded as data: the returned handle's `schedule` lists every fault the
-- nemesis injected as {at = ms, kind = ..., stop = ms (when it was undone, if it lasts), and
-- the fault's arguments}, filled in as the run goes (complete at `to`). Recording draws nothing.
-- `sim.nemesis{schedule = LIST, to = ...}` replays an explicit schedule instead of drawing one
-- (`otpsim shrink` uses this, docs/reproducing.md).
local sim = ...

local KINDS = {"crash", "partition", "partition_oneway", "disconnect", "degrade", "slow", "pause",
               "clock_drift", "kill"}
local NETWORK = {partition = true, partition_oneway = true, degrade = true}
local KNOWN = {}
for _, k in ipairs(KINDS) do KNOWN[k] = true end

local OPTIONS = {faults = true, rate = true, from = true, to = true, nodes = true, swarm = true,
                 duration = true, max_down = true, kill = true, schedule = true,
                 existing_nodes_only = true}

-- a duration option as milliseconds: a number, a string ("5s") or a distribution
local function ms_of(v, what)
  if type(v) == "number" then return function() return v end end
  if type(v) == "string" then
    local t0 = sim._ms(v, what)
    return function() return t0 end
  end
  if type(v) == "userdata" and v.sample then return function() return v:sample() end end
  error("sim.nemesis: " .. what .. " must be milliseconds, a duration string or a distribution", 3)
end

local function shuffled(r, list)
  local t = {}
  for i, v in ipairs(list) do t[i] = v end
  for i = #t, 2, -1 do
    local j = r(i)
    t[i], t[j] = t[j], t[i]
  end
  return t
end

function sim.nemesis(o)
  if type(o) ~= "table" then error("sim.nemesis: expected a table of options", 2) end
  for k in pairs(o) do
    if not OPTIONS[k] then
      error("sim.nemesis: unknown option '" .. tostring(k) ..
            "' (options: faults, rate, from, to, nodes, swarm, duration, max_down, kill, schedule, existing_nodes_only)", 2)
    end
  end
  if o.schedule ~= nil then return sim._nemesis_replay(o) end
  local r = sim._random("nemesis")
  local from = o.from and sim._ms(o.from, "from") or sim.now()
  if o.to == nil then error("sim.nemesis: 'to' (when the faults stop) is required", 2) end
  local to = sim._ms(o.to, "to")
  if to <= from then error("sim.nemesis: 'to' must be after 'from'", 2) end
  local rate = o.rate or 0.1
  if type(rate) ~= "number" or rate <= 0 then error("sim.nemesis: rate is faults per second (> 0)", 2) end
  local nodes = o.nodes or sim._nodes()
  if #nodes < 2 then error("sim.nemesis: needs at least two nodes", 2) end
  local duration = ms_of(o.duration or sim.uniform(1000, 10000), "duration")
  local max_down = o.max_down or (#nodes - 1) // 2
  local kill_names = o.kill or {}

  local kinds = o.faults or KINDS
  if kinds == "all" then kinds = KINDS end
  for _, k in ipairs(kinds) do
    if not KNOWN[k] then
      error("sim.nemesis: unknown fault '" .. tostring(k) .. "' (faults: " .. table.concat(KINDS, ", ") .. ")", 2)
    end
  end
  -- swarm: each kind on with probability 1/2 (at least one), with a weight from 1 to 10
  local weights = {}
  local enabled = {}
  for _, k in ipairs(kinds) do
    if not o.swarm or r() < 0.5 then
      enabled[#enabled + 1] = k
      weights[k] = o.swarm and r(10) or 1
    end
  end
  if #enabled == 0 then
    local k = kinds[r(#kinds)]
    enabled[1] = k
    weights[k] = r(10)
  end
  local plan = {}
  for _, k in ipairs(enabled) do plan[#plan + 1] = k .. "x" .. weights[k] end
  sim._fault_note("nemesis", table.concat(plan, " ") .. string.format(" rate %g/s from %gms to %gms", rate, from, to))
  local total = 0
  for _, k in ipairs(enabled) do total = total + weights[k] end

  local down = {}        -- node -> true while crashed or paused by the nemesis
  local ndown = 0
  local slowed, drifted = {}, {}
  local net_busy = false -- one network fault at a time (each heals with sim.heal)

  local function pick_kind()
    local x = r() * total
    for _, k in ipairs(enabled) do
      x = x - weights[k]
      if x < 0 then return k end
    end
    return enabled[#enabled]
  end
  local function live_nodes()
    local t = {}
    for _, n in ipairs(nodes) do if not down[n] then t[#t + 1] = n end end
    return t
  end
  -- when a fault that started at `now` ends: after its duration, and never after `to`
  local function ends(now)
    local d = duration()
    if d < 1 then d = 1 end
    return math.min(now + d, to)
  end

  local schedule = {}
  local function rec(t) schedule[#schedule + 1] = t; return t end

  local act = {}
  function act.crash(now)
    local live = live_nodes()
    if ndown >= max_down or #live < 2 then return end
    local n = live[r(#live)]
    down[n] = true
    ndown = ndown + 1
    sim.crash(n)
    local e = ends(now)
    rec{at = now, kind = "crash", node = n, stop = e}
    sim.at(e, function()
      down[n] = nil
      ndown = ndown - 1
      if not sim.node_stats(n).up then sim.restart(n) end
    end)
  end
  function act.pause(now)
    local live = live_nodes()
    if ndown >= max_down or #live < 2 then return end
    local n = live[r(#live)]
    local e = ends(now)
    down[n] = true
    ndown = ndown + 1
    sim.pause(n, e - now)
    rec{at = now, kind = "pause", node = n, stop = e}
    sim.at(e, function() down[n] = nil; ndown = ndown - 1 end)
  end
  function act.partition(now)
    if net_busy then return end
    local t = shuffled(r, nodes)
    local cut = r(#t - 1)
    local a, b = {}, {}
    for i, n in ipairs(t) do if i <= cut then a[#a + 1] = n else b[#b + 1] = n end end
    net_busy = true
    sim.partition(a, b)
    local e = ends(now)
    rec{at = now, kind = "partition", a = a, b = b, stop = e}
    sim.at(e, function() net_busy = false; sim.heal() end)
  end
  function act.partition_oneway(now)
    if net_busy then return end
    local t = shuffled(r, nodes)
    net_busy = true
    sim.partition_oneway(t[1], t[2])
    local e = ends(now)
    rec{at = now, kind = "partition_oneway", x = t[1], y = t[2], stop = e}
    sim.at(e, function() net_busy = false; sim.heal() end)
  end
  function act.degrade(now)
    if net_busy then return end
    local t = shuffled(r, nodes)
    net_busy = true
    local lat, loss = duration() / 10, r(100000)
    sim.degrade(t[1], t[2], {latency = lat, loss_ppm = loss})
    local e = ends(now)
    rec{at = now, kind = "degrade", x = t[1], y = t[2], latency = lat, loss_ppm = loss, stop = e}
    sim.at(e, function() net_busy = false; sim.heal() end)
  end
  function act.disconnect(now)
    local t = shuffled(r, nodes)
    sim.disconnect(t[1], t[2])
    rec{at = now, kind = "disconnect", x = t[1], y = t[2]}
  end
  function act.slow(now)
    local n = nodes[r(#nodes)]
    if slowed[n] then return end
    slowed[n] = true
    local f = 1 + r(9)
    sim.slow(n, f)
    local e = ends(now)
    rec{at = now, kind = "slow", node = n, factor = f, stop = e}
    sim.at(e, function() slowed[n] = nil; sim.slow(n, 1) end)
  end
  function act.clock_drift(now)
    local n = nodes[r(#nodes)]
    if drifted[n] then return end
    drifted[n] = true
    local ppm = (r(2) == 1 and -1 or 1) * r(200000)
    sim.clock_drift(n, ppm)
    local e = ends(now)
    rec{at = now, kind = "clock_drift", node = n, ppm = ppm, stop = e}
    sim.at(e, function() drifted[n] = nil; sim.clock_drift(n, 0) end)
  end
  function act.kill(now)
    if #kill_names == 0 then return end
    local live = live_nodes()
    local n = live[r(#live)]
    local name = kill_names[r(#kill_names)]
    sim.kill({name, n}, "kill")
    rec{at = now, kind = "kill", name = name, node = n}
  end

  local function next_time(t)
    return t + (-math.log(1 - r()) / rate) * 1000
  end
  local function fire(t)
    if t >= to then return end
    act[pick_kind()](t)
    local nt = next_time(t)
    if nt < to then sim.at(nt, function() fire(nt) end) end
  end
  local first = next_time(from)
  if first < to then sim.at(first, function() fire(first) end) end
  sim.at(to, function()
    sim.heal()
    for _, n in ipairs(nodes) do
      if slowed[n] then sim.slow(n, 1) end
      if drifted[n] then sim.clock_drift(n, 0) end
      if not sim.node_stats(n).up then sim.restart(n) end
    end
    sim._fault_note("nemesis_end", "healed; liveness phase begins")
  end)
  sim._faults_end(to)
  return {kinds = enabled, weights = weights, schedule = schedule, from = from, to = to, nodes = nodes}
end

-- Applies one recorded fault; returns the function that undoes it at `stop` (or nil).
local APPLY = {
  crash = function(f)
    if not sim.node_stats(f.node).up then return nil end
    sim.crash(f.node)
    return function() if not sim.node_stats(f.node).up then sim.restart(f.node) end end
  end,
  pause = function(f) sim.pause(f.node, math.max(1, f.stop - f.at)) end,
  partition = function(f) sim.partition(f.a, f.b); return function() sim.heal() end end,
  partition_oneway = function(f) sim.partition_oneway(f.x, f.y); return function() sim.heal() end end,
  degrade = function(f)
    sim.degrade(f.x, f.y, {latency = f.latency, loss_ppm = f.loss_ppm})
    return function() sim.heal() end
  end,
  disconnect = function(f) sim.disconnect(f.x, f.y) end,
  slow = function(f) sim.slow(f.node, f.factor); return function() sim.slow(f.node, 1) end end,
  clock_drift = function(f) sim.clock_drift(f.node, f.ppm); return function() sim.clock_drift(f.node, 0) end end,
  kill = function(f) sim.kill({f.name, f.node}, "kill") end,
}

-- The fault restricted to the nodes that exist (nil: nothing of it is left). Shrinking a node-count
-- parameter (otpsim shrink) replays a schedule recorded with more nodes: a fault on a missing node
-- is dropped, a partition keeps the nodes that exist on each side.
local ONE_NODE = {crash = true, pause = true, slow = true, clock_drift = true, kill = true}
local function restrict(f, exists)
  if ONE_NODE[f.kind] then return exists[f.node] and f or nil end
  if f.kind == "partition" then
    local function keep(g)
      local out = {}
      for _, n in ipairs(type(g) == "table" and g or {g}) do if exists[n] then out[#out + 1] = n end end
      return out
    end
    local a, b = keep(f.a), keep(f.b)
    if #a == 0 or #b == 0 then return nil end
    local g = {}
    for k, v in pairs(f) do g[k] = v end
    g.a, g.b = a, b
    return g
  end
  return exists[f.x] and exists[f.y] and f or nil
end

-- sim.nemesis{schedule = {...}, to = ..., nodes = ..., existing_nodes_only = bool}: the explicit
-- schedule, no random draws.
function sim._nemesis_replay(o)
  if type(o.schedule) ~= "table" then error("sim.nemesis: schedule must be a list of faults", 3) end
  if o.to == nil then error("sim.nemesis: 'to' (when the faults stop) is required", 3) end
  local to = sim._ms(o.to, "to")
  local nodes = o.nodes or sim._nodes()
  for i, f in ipairs(o.schedule) do
    if type(f) ~= "table" or not APPLY[f.kind] or type(f.at) ~= "number" then
      error("sim.nemesis: schedule entry " .. i .. " is not a recorded fault", 3)
    end
  end
  local schedule = o.schedule
  if o.existing_nodes_only then
    local exists = {}
    for _, n in ipairs(sim._nodes()) do exists[n] = true end
    schedule = {}
    for _, f in ipairs(o.schedule) do schedule[#schedule + 1] = restrict(f, exists) end
  end
  sim._fault_note("nemesis", string.format("explicit schedule of %d faults to %gms", #schedule, to))
  for _, f in ipairs(schedule) do
    sim.at(f.at, function()
      local undo = APPLY[f.kind](f)
      if undo and f.stop then sim.at(math.max(f.stop, sim.now()), undo) end
    end)
  end
  sim.at(to, function()
    sim.heal()
    for _, n in ipairs(nodes) do
      sim.slow(n, 1)
      sim.clock_drift(n, 0)
      if not sim.node_stats(n).up then sim.restart(n) end
    end
    sim._fault_note("nemesis_end", "healed; liveness phase begins")
  end)
  sim._faults_end(to)
  return {kinds = {}, weights = {}, schedule = schedule, to = to, nodes = nodes}
end
