-- nemesis.lua — sim.nemesis: random fault schedules drawn from the seed (Jepsen style), with a
-- swarm mode (the enabled fault kinds and their weights are themselves drawn from the seed).
-- Every action goes through the sim.* fault functions, so each one is a "fault" trace event.
-- At `to` everything heals (partitions, degradations, slow nodes, clock drift; crashed nodes
-- restart) and the liveness phase begins: sim.eventually counts from there.
local sim = ...

local KINDS = {"crash", "partition", "partition_oneway", "disconnect", "degrade", "slow", "pause",
               "clock_drift", "kill"}
local NETWORK = {partition = true, partition_oneway = true, degrade = true}
local KNOWN = {}
for _, k in ipairs(KINDS) do KNOWN[k] = true end

local OPTIONS = {faults = true, rate = true, from = true, to = true, nodes = true, swarm = true,
                 duration = true, max_down = true, kill = true}

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
            "' (options: faults, rate, from, to, nodes, swarm, duration, max_down, kill)", 2)
    end
  end
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

  local act = {}
  function act.crash(now)
    local live = live_nodes()
    if ndown >= max_down or #live < 2 then return end
    local n = live[r(#live)]
    down[n] = true
    ndown = ndown + 1
    sim.crash(n)
    sim.at(ends(now), function()
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
    sim.at(ends(now), function() net_busy = false; sim.heal() end)
  end
  function act.partition_oneway(now)
    if net_busy then return end
    local t = shuffled(r, nodes)
    net_busy = true
    sim.partition_oneway(t[1], t[2])
    sim.at(ends(now), function() net_busy = false; sim.heal() end)
  end
  function act.degrade(now)
    if net_busy then return end
    local t = shuffled(r, nodes)
    net_busy = true
    sim.degrade(t[1], t[2], {latency = duration() / 10, loss_ppm = r(100000)})
    sim.at(ends(now), function() net_busy = false; sim.heal() end)
  end
  function act.disconnect()
    local t = shuffled(r, nodes)
    sim.disconnect(t[1], t[2])
  end
  function act.slow(now)
    local n = nodes[r(#nodes)]
    if slowed[n] then return end
    slowed[n] = true
    sim.slow(n, 1 + r(9))
    sim.at(ends(now), function() slowed[n] = nil; sim.slow(n, 1) end)
  end
  function act.clock_drift(now)
    local n = nodes[r(#nodes)]
    if drifted[n] then return end
    drifted[n] = true
    sim.clock_drift(n, (r(2) == 1 and -1 or 1) * r(200000))
    sim.at(ends(now), function() drifted[n] = nil; sim.clock_drift(n, 0) end)
  end
  function act.kill()
    if #kill_names == 0 then return end
    local live = live_nodes()
    local n = live[r(#live)]
    local name = kill_names[r(#kill_names)]
    sim.kill({name, n}, "kill")
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
  return {kinds = enabled, weights = weights}
end
