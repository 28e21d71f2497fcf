-- load_mmc.lua — the scenario behind bench_load: an M/M/c queueing model built from OTP parts and
-- driven by the load generator's C fast path. bench/mmc_simpy.py is the same model in SimPy.
--
-- Three nodes. "client" holds the load: Poisson arrivals at `rate` requests per second (default
-- 10,000), each a gen_server call (or cast, --set kind=cast) built in C and sent to one of
-- 2 x `procs` gen_servers chosen uniformly (one operation per gen_server, equal weights). "s1"
-- and "s2" each run `procs` of those gen_servers on `cores` cores. A gen_server spends an
-- exponential service time of CPU per request (otp.work(sim.exp(S))), with S chosen so that each
-- node's cores are `rho` busy: S = 2 * cores * rho / rate. Nodes have instr_ns = 0 (Lua costs no
-- virtual time: the model's only CPU is the service time) and a quantum longer than the run (no
-- preemption). The network adds the default 0.1 ms per message.
--
-- So each server node is an M/M/c station (c = cores) with a FIFO run queue, one detail apart: a
-- request queues at its own gen_server first, so it can wait for that gen_server while a core is
-- idle. With procs >> cores that is rare, and the mean response time approaches Erlang C's.
-- The result line (parsed by bench_load) gives the measured mean response time and Erlang C's.
-- --set servers=false kind=cast measures the load generator and the network alone. By default the
-- servers are sim.service stubs (C, gen_server's protocol): the C fast path on both sides, the
-- issue's benchmark; --set server=lua runs the same model with Lua gen_servers.
local RATE = sim.param("rate", 10000)         -- requests per second
local CORES = sim.param("cores", 4)           -- c, per server node
local PROCS = sim.param("procs", 16)          -- gen_servers per server node
local RHO = sim.param("rho", 0.8)             -- utilization of each server node's cores
local DURATION_S = sim.param("duration_s", 3600)
local KIND = sim.param("kind", "call")        -- "call" or "cast"
local SERVERS = sim.param("servers", true)    -- false: no gen_servers, casts to a name nobody has
local SERVER = sim.param("server", "c")       -- "c": sim.service stubs (the C fast path both ways); "lua": Lua gen_servers
assert(KIND == "call" or KIND == "cast", "kind must be call or cast")
assert(SERVERS or KIND == "cast", "servers=false needs kind=cast")

local S_MS = 2 * CORES * RHO / RATE * 1000    -- mean service time (ms)
sim.node("client", {cores = 1, instr_ns = 0})
local QUANTUM = sim.param("quantum", "1ms")
for _, n in ipairs{"s1", "s2"} do sim.node(n, {cores = CORES, instr_ns = 0, quantum = QUANTUM}) end

local service = sim.exp(S_MS)
local server = {
  init = function() return "ok", nil end,
  handle_call = function(_, _, s) otp.work(service); return "reply", "ok", s end,
  handle_cast = function(_, s) otp.work(service); return "noreply", s end,
}
local ops = {}
for _, n in ipairs{"s1", "s2"} do
  for i = 1, PROCS do
    -- servers=false: the generator and the network alone (each cast is built, sent, carried to
    -- the server node and dropped there: no process has the name)
    local target = {"nobody", n}
    if SERVERS and SERVER == "c" then
      sim.service{name = "svc" .. i, node = n, work = service}
      target = {"svc" .. i, n}
    elseif SERVERS then
      target = otp.gen_server.start(server, nil, {node = n})
    end
    ops[#ops + 1] = {name = n .. "." .. i, target = target, [KIND] = "req"}
  end
end
sim.load{name = "mmc", node = "client", arrival = sim.poisson(RATE), ops = ops, to = DURATION_S * 1000}
sim.run{duration = DURATION_S * 1000 + 100}

-- Erlang C for one server node: lambda = rate / 2, mu = 1 / S, c cores.
local function erlang_c_wait_ms()
  local lambda, mu, c = RATE / 2, 1000 / S_MS, CORES
  local a = lambda / mu
  local sum, term = 0, 1
  for k = 0, c - 1 do
    if k > 0 then term = term * a / k end
    sum = sum + term
  end
  local top = term * a / c / (1 - a / c)       -- a^c / c! / (1 - rho)
  local pw = top / (sum + top)
  return pw / (c * mu - lambda) * 1000
end

local m = sim.metrics("mmc")
local st1, st2 = sim.node_stats("s1"), sim.node_stats("s2")
local util = (st1.utilization + st2.utilization) / 2
sim.check("every request finished", function() return m.count == m.ok and m.count > 0, m.count end)
if not SERVERS then util = 0 end
print(string.format("mmc result: kind %s requests %d rate %.1f/s util %.4f mean_response_ms %.4f p99_ms %.4f "
  .. "erlang_c_ms %.4f service_ms %.4f", KIND, m.count, m.rate, util, m.response.mean, m.response.p99,
  erlang_c_wait_ms() + S_MS + 0.2, S_MS))
