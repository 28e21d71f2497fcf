-- quickstart.lua — the default scenario: a key-value server under open-loop load.
--
-- One gen_server ("kv") on a 2-core node "app" serves get/put calls; a load generator on its own
-- node spawns a client process per request at Poisson arrival times. Each request costs the
-- server an exponentially distributed amount of CPU, so "kv" is an M/M/1 queue: at the default
-- 200 req/s and 3 ms it is 60% busy, mean latency 7.5 ms, p99 about 35 ms. Push the rate past
-- 333 req/s and watch its mailbox grow. Prints throughput and latency every second; checks p99.
-- Everything is deterministic for a given --seed: run it twice and the trace-hash matches.
--
--   otpsim run scenarios/quickstart.lua --seed 7 --set rate=300

local rate       = sim.param("rate", 200)          -- requests per second
local service_ms = sim.param("service_ms", 3)      -- mean CPU per request, ms
local duration   = sim.param("duration", "10s")
local slo_p99_ms = sim.param("slo_p99_ms", 50)

sim.node("app", {cores = 2})
sim.node("clients", {cores = 1})

local kv = {
  init = function() return "ok", {} end,
  handle_call = function(req, from, store)
    otp.work(-service_ms * math.log(1 - math.random()))   -- exponential service time
    if req.op == "put" then
      store[req.key] = req.value
      return "reply", "ok", store
    end
    return "reply", store[req.key], store
  end,
}

local latencies, window = {}, {}

local function client(i)
  local t0 = otp.now()
  otp.gen_server.call({"kv", "app"}, {op = i % 4 == 0 and "put" or "get", key = i % 100, value = i})
  local dt = otp.now() - t0
  latencies[#latencies + 1] = dt
  window[#window + 1] = dt
end

sim.spawn("app", function() assert(otp.gen_server.start(kv, nil, {name = "kv"})) end)

sim.spawn("clients", function()
  local i = 0
  while true do
    otp.sleep(-1000 / rate * math.log(1 - math.random()))  -- Poisson arrivals
    i = i + 1
    otp.spawn(client, i)
  end
end)

local function p99(xs)
  if #xs == 0 then return 0 end
  local s = {table.unpack(xs)}
  table.sort(s)
  return s[math.max(1, math.ceil(#s * 0.99))]
end

sim.every("1s", function()
  local st = sim.node_stats("app")
  print(string.format("t=%2ds  %4d req/s  p99 %6.2f ms  cpu %3.0f%%  kv mailbox %d",
    sim.now() // 1000, #window, p99(window), 100 * st.utilization,
    otp.process_info(otp.whereis("kv", "app")).message_queue_len))
  window = {}
end, {to = duration})

sim.run{duration = duration}

sim.check("served about rate x duration", function()
  local expected = rate * sim.now() / 1000
  return math.abs(#latencies - expected) < 0.1 * expected,
         string.format("%d requests, expected ~%d", #latencies, expected)
end)
sim.check("p99 latency within the SLO", function()
  return p99(latencies) <= slo_p99_ms, string.format("p99 %.2f ms (SLO %d ms)", p99(latencies), slo_p99_ms)
end)
