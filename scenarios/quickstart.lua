-- quickstart.lua — the default scenario: a taste of a scenario script.
--
-- A toy request stream under a virtual clock: requests arrive at random (Poisson) times, each
-- takes a random service time on a single worker, and the scenario checks the worst wait.
-- Everything here is deterministic for a given --seed: run it twice and the trace-hash matches.
--
--   otpsim run scenarios/quickstart.lua --seed 7 --set rate=80

local rate     = sim.param("rate", 50)          -- requests per second
local service  = sim.param("service_ms", 10)    -- mean service time, ms
local duration = sim.param("duration", "10s")

local busy_until, served, worst_wait = 0, 0, 0

local function arrival()
  local now = sim.now()
  local start = math.max(now, busy_until)
  local wait = start - now
  busy_until = start + (-service * math.log(1 - math.random()))
  served = served + 1
  if wait > worst_wait then worst_wait = wait end
  -- schedule the next arrival after an exponential gap
  sim.after(-1000 / rate * math.log(1 - math.random()), arrival)
end

sim.after(0, arrival)
sim.every("1s", function()
  print(string.format("t=%4.1fs served=%d worst wait so far=%.1f ms", sim.now() / 1000, served, worst_wait))
end)

sim.check("served about rate x duration", function()
  local expected = rate * 10
  return math.abs(served - expected) < 0.2 * expected, string.format("served %d, expected ~%d", served, expected)
end)
sim.check("worst wait under 200 ms", function()
  return worst_wait < 200, string.format("worst wait %.1f ms", worst_wait)
end)

sim.run{duration = duration}
