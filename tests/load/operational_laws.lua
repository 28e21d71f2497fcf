-- Operational laws (capacity-validation.md §4.1) as exact invariants of a run: they hold on every
-- sample path, with no distributional assumption, so they are checked to rounding error, not to
-- a confidence interval.
--
-- Two stations, each request a process doing otp.work on its node (instr_ns = 0, no preemption):
--   "open":   2 cores, Poisson arrivals at 1500/s for 20 s, service U(0.2, 2.0) ms (ρ = 0.825);
--   "closed": 1 core, 4 users thinking Exp(2 ms), service Exp(0.5 ms), for 20 s.
-- The run goes on to 21 s so that both drain: every request that arrived has completed.
-- Each request records its arrival (its spawn time, otp.process_info().start_time), the start of
-- its service and its completion (otp.now()), and the work it asked for.
--
-- Checks, with their tolerances and why:
-- * Little's law L = λW over the whole run [0, T]. The time-average number in the system is
--   integrated exactly from the completions: the system starts and ends empty, so
--   ∫N(t)dt = Σ (completion − arrival) over all requests. λ = arrivals / T and W = sim.metrics'
--   mean response time (the generator's own accounting, from intended times). Tolerance 1e-9
--   relative: both sides are sums of the same exact nanosecond times, in floating point.
-- * The same L, measured independently: the node's live process count (sim.node_stats(n).
--   processes − the load's client process) sampled every δ = 0.1 ms. A grid sum is not an
--   integral: each request's contribution is off by the difference of two grid phases, in
--   (−δ, δ), mean 0, variance δ²/6, independent between requests; so the tolerance is 5 standard
--   deviations of the sum, 5·δ·sqrt(n/6) (relative ≈ 6e-4 here).
-- * Utilisation law U = X·S per node: sim.node_stats(n).utilization × cores × T (core time used)
--   against throughput × mean service time, X·S·T = count × sim.metrics' mean service time
--   (each request's one slice of work). Tolerance 1e-9 relative (floating point). And against the
--   work the requests asked for (Σ of the drawn service times): otp.work rounds each to the
--   nanosecond, so the tolerance is 0.5 ns per request.
-- * Flow balance, arrivals = completions + in flight: at the end (drained) the generator's count
--   equals the arrivals and the nodes hold no request; and at 200 instants during the run the
--   node's process count (in flight) equals the arrivals before that instant minus the completions
--   before it, both counted afterwards from the exact timestamps, and sim.metrics' count read at
--   that instant equals those completions — integer identities, tolerance 0.
sim.node("open", { cores = 2, instr_ns = 0, quantum = "100000s" })
sim.node("closed", { cores = 1, instr_ns = 0, quantum = "100000s" })
local T_LOAD, T_END, DELTA = 20000, 21000, 0.1

local rec = { open = {}, closed = {} }
local function request(node, dist)
  return function()
    local a = otp.process_info().start_time
    local s0 = otp.now()
    local want = dist:sample()
    otp.work(want)
    local r = rec[node]
    r[#r + 1] = { a = a, s = s0, d = otp.now(), want = want }
  end
end
local svc_open, svc_closed = sim.uniform(0.2, 2.0), sim.exp(0.5)
sim.load { name = "open", node = "open", arrival = sim.poisson(1500), to = T_LOAD, request = request("open", svc_open) }
sim.load { name = "closed", node = "closed", users = 4, think = sim.exp(2), to = T_LOAD,
           request = request("closed", svc_closed) }

-- the live count of requests on each node, on a grid (the first sample after the load started,
-- when the load's client process exists: it is not a request)
local grid = { open = { n = 0, sum = 0 }, closed = { n = 0, sum = 0 } }
local function in_system(node)
  local p = sim.node_stats(node).processes
  return p > 0 and p - 1 or 0
end
sim.every(DELTA, function()
  for node, g in pairs(grid) do
    g.n = g.n + 1
    g.sum = g.sum + in_system(node)
  end
end, { to = T_END })
-- flow-balance instants: off the grid and off whole milliseconds
local instants = {}
for i = 1, 200 do
  local t = i * 100 + 0.0371
  sim.at(t, function()
    instants[#instants + 1] = { t = t, open = in_system("open"), closed = in_system("closed"),
                                count = { open = sim.metrics("open").count, closed = sim.metrics("closed").count } }
  end)
end

local function sums(node)
  local r = rec[node]
  local soj, serv, want = 0, 0, 0
  for _, x in ipairs(r) do
    soj = soj + (x.d - x.a)
    serv = serv + (x.d - x.s)
    want = want + x.want
  end
  return #r, soj, serv, want
end
local function rel(a, b) return math.abs(a - b) / math.max(math.abs(a), math.abs(b), 1e-300) end

for _, node in ipairs { "open", "closed" } do
  sim.check(node .. ": Little's law L = lambda W, exact over the drained run", function()
    local n, soj = sums(node)
    local m = sim.metrics(node)
    local L = soj / T_END                   -- time-average number in the system
    local lw = (n / T_END) * m.response.mean -- arrivals per ms x the generator's mean response
    return m.count == n and rel(L, lw) <= 1e-9,
      string.format("L = %.9f, lambda W = %.9f (%d requests, relative %.1e)", L, lw, n, rel(L, lw))
  end)
  sim.check(node .. ": Little's law against the node's process count sampled every 0.1 ms", function()
    local n, soj = sums(node)
    local g = grid[node]
    local sampled = g.sum * DELTA -- the grid's estimate of the integral of N(t) over [0, T]
    local tol = 5 * DELTA * math.sqrt(n / 6)
    return math.abs(sampled - soj) <= tol,
      string.format("integral of N: sampled %.3f, exact %.3f request-ms (difference %.3f, tolerance %.3f = 5 delta sqrt(n/6))",
        sampled, soj, sampled - soj, tol)
  end)
  sim.check(node .. ": utilisation law U = X S, core time = count x mean service", function()
    local ns = sim.node_stats(node)
    local n, _, serv, want = sums(node)
    local m = sim.metrics(node)
    local busy = ns.utilization * ns.cores * T_END
    local xs = m.count * m.service.mean
    local ok = rel(busy, ns.busy_ms) <= 1e-9 and rel(busy, xs) <= 1e-9 and rel(serv, xs) <= 1e-9 and
      math.abs(busy - want) <= 0.5e-6 * n
    return ok, string.format("U = %.6f: core time %.6f ms, X S T = %.6f ms, requested work %.6f ms (%d requests)",
      ns.utilization, busy, xs, want, n)
  end)
  sim.check(node .. ": flow balance, arrivals = completions + in flight", function()
    local r = rec[node]
    local m = sim.metrics(node)
    local arr, dep = {}, {}
    for i, x in ipairs(r) do arr[i], dep[i] = x.a, x.d end
    table.sort(arr)
    table.sort(dep)
    local bad, worst, ia, id = 0, "", 0, 0
    for _, it in ipairs(instants) do -- instants in increasing time: sweep both sorted lists
      while ia < #arr and arr[ia + 1] < it.t do ia = ia + 1 end
      while id < #dep and dep[id + 1] < it.t do id = id + 1 end
      if ia - id ~= it[node] or it.count[node] ~= id then
        bad = bad + 1
        worst = string.format("; at %.4f ms: %d arrived, %d done, %d on the node, sim.metrics count %d", it.t, ia, id,
          it[node], it.count[node])
      end
    end
    local ok = bad == 0 and m.count == #r and m.ok == #r and in_system(node) == 0
    return ok, string.format("%d of %d instants off%s; at the end %d arrived, %d completed (sim.metrics %d), %d in flight",
      bad, #instants, worst, #r, #r, m.count, in_system(node))
  end)
end
sim.run { duration = T_END }
