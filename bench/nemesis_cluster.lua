-- nemesis_cluster.lua — the scenario behind bench_nemesis: `nodes` nodes with `procs` Lua
-- processes each, pinging registered servers on random nodes, under a swarm nemesis (every fault
-- kind, `rate` faults per second from `from_s` to `to_s`), then a liveness check. Prints one result
-- line the runner parses.
--
-- Each node's boot function (run at start and after every restart) starts a supervisor with the
-- node's server "srv" and its workers. A worker sleeps `period_ms` (jittered), sends a ping to
-- {"srv", random node}, and waits up to `timeout_ms` for the pong. Counters live in scenario
-- tables the processes share (a benchmark shortcut, not a pattern to copy).
local NODES = sim.param("nodes", 100)
local PROCS = sim.param("procs", 100)
local PERIOD = sim.param("period_ms", 1000)
local TIMEOUT = sim.param("timeout_ms", 1000)
local RATE = sim.param("rate", 1)
local FROM_S = sim.param("from_s", 5)       -- faults start (virtual seconds)
local TO_S = sim.param("to_s", 50)          -- faults stop, everything heals
local DURATION_S = sim.param("duration_s", 60)
local WITHIN_S = sim.param("within_s", 10)  -- liveness bound after the heal
local NEMESIS = sim.param("nemesis", true)  -- false: the same traffic without faults (a baseline)

local names = {}
for i = 1, NODES do names[i] = string.format("n%d@cluster", i) end

local stats = {pings = 0, pongs = 0, timeouts = 0, served = 0, boots = 0}
local last_served = {}   -- node index -> virtual ms of the last ping its server answered
local last_pong = {}     -- node index -> virtual ms of the last pong one of its workers got

local function server(me)
  while true do
    local m = otp.receive()
    if type(m) == "table" and m.tag == "ping" then
      stats.served = stats.served + 1
      last_served[me] = otp.now()
      otp.send(m.from, {tag = "pong", n = m.n})
    end
  end
end

local function worker(me)
  local k = 0
  while true do
    otp.sleep(PERIOD * (0.5 + math.random()))
    k = k + 1
    stats.pings = stats.pings + 1
    otp.send({"srv", names[math.random(NODES)]}, {tag = "ping", from = otp.self(), n = k})
    local deadline = otp.now() + TIMEOUT
    while true do
      local m = otp.receive(math.max(0, deadline - otp.now()))
      if m == nil then
        stats.timeouts = stats.timeouts + 1
        break
      elseif m.n == k then -- older pongs (after a timeout) are dropped here
        stats.pongs = stats.pongs + 1
        last_pong[me] = otp.now()
        break
      end
    end
  end
end

local function start_server(me)
  local pid = otp.spawn_link(server, me)
  otp.register("srv", pid)
  return pid
end

local function boot(me)
  return function()
    stats.boots = stats.boots + 1
    local specs = {{id = "srv", start = {start_server, me}, shutdown = "brutal_kill"}}
    for j = 1, PROCS do
      specs[#specs + 1] = {id = j, start = {otp.spawn_link, worker, me}, shutdown = "brutal_kill"}
    end
    assert(otp.supervisor.start_link({intensity = 1000000, period = 1}, specs))
    otp.receive() -- the boot process stays: its supervisor's parent
  end
end

for i = 1, NODES do sim.node(names[i], {boot = boot(i)}) end

if NEMESIS then
  sim.nemesis{faults = "all", rate = RATE, from = FROM_S * 1000, to = TO_S * 1000, swarm = true, kill = {"srv"}}
end

local to_ms = TO_S * 1000
sim.eventually("every node serves and is served again", function()
  for i = 1, NODES do
    if not sim.node_stats(names[i]).up then return false, names[i] .. " is down" end
    if (last_served[i] or -1) < to_ms then return false, names[i] .. " has served nothing since the heal" end
    if (last_pong[i] or -1) < to_ms then return false, names[i] .. "'s workers got no pong since the heal" end
  end
  return true
end, WITHIN_S * 1000, {after = to_ms, every = "100ms"})

sim.run{duration = DURATION_S * 1000}

local up = 0
for i = 1, NODES do if sim.node_stats(names[i]).up then up = up + 1 end end
print(string.format("cluster nodes %d procs %d virtual %.3f s pings %d pongs %d timeouts %d served %d boots %d up %d",
  NODES, NODES * PROCS, sim.now() / 1000, stats.pings, stats.pongs, stats.timeouts, stats.served,
  stats.boots, up))
