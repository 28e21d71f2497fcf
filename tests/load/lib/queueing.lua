-- queueing.lua — queueing theory and the batch-means harness shared by the scenarios of
-- tests/load/ (shared/docs/capacity-validation.md §4, §6). Loaded with require("lib.queueing").
--
-- Time unit: milliseconds everywhere (rates per ms: λ = 0.8 means 800 requests per second).
--
-- The harness (Q.station) builds one FCFS station of `cores` identical servers: a node with that
-- many cores, instr_ns = 0 (Lua costs no virtual CPU) and a quantum far longer than any service
-- time (a process that started serving is never preempted, so the run queue is a FIFO queue and
-- the discipline is FCFS, not round robin). Requests arrive as a Poisson stream (sim.load with
-- sim.poisson) and each request is its own process on that node running otp.work(service): the
-- cores are the c servers, the run queue the waiting room. That is M/G/c exactly.
--
-- Estimation (capacity-validation.md §4.10): a warm-up is discarded, then the run is cut into
-- `batches` equal windows of simulated time; every statistic is computed per window and the
-- batch means give a 95 % confidence interval with Student's t (batches − 1 degrees of freedom).
-- A response is assigned to the window of its completion, a queue sample to the window of its
-- time. Per request the process records its arrival (its spawn time: otp.process_info().
-- start_time), the start of its service (otp.now() on its first run) and its completion (otp.now()
-- after otp.work), so waiting and response times are exact, not bucketed.
--
-- Checks (Q.station_checks, Q.quantile_checks): theory in the 95 % CI for W, Wq, Lq (the node's
-- run queue, sampled), L (the node's processes, sampled), L and Lq by Little's law (per-window
-- throughput × mean response or wait), the utilisation, P(wait > 0) and exceedance fractions of
-- theoretical percentiles; the HdrHistogram percentiles of sim.metrics within that CI mapped
-- through the theoretical CDF; and two exact ones: every request's wait equals the FCFS
-- (Kiefer–Wolfowitz / Lindley) recursion applied to the realized arrival and service times, and
-- sim.metrics' mean response time equals the processes' own.
-- tests/load/coverage.sh runs a scenario over many seeds: pass rates and pooled estimates.

local Q = {}

-- Student's t, two-sided 95 % (the 0.975 quantile), by degrees of freedom.
local T975 = {
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
  2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
  2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
}
function Q.t975(df)
  if df < 1 then error("t975: need at least 2 batches") end
  if df <= #T975 then return T975[df] end
  return 1.96 + 2.5 / df -- close enough above 30 degrees of freedom
end

-- Mean and 95 % half-width of a list of batch values.
function Q.ci(xs)
  local n = #xs
  local s = 0
  for i = 1, n do s = s + xs[i] end
  local m = s / n
  local v = 0
  for i = 1, n do v = v + (xs[i] - m) ^ 2 end
  v = v / (n - 1)
  return m, Q.t975(n - 1) * math.sqrt(v / n), n
end

-- ---- theory ------------------------------------------------------------------------------------

-- M/M/1 (§4.2). Sojourn time T ~ Exp(μ − λ).
function Q.mm1(lambda, mu)
  local rho = lambda / mu
  assert(rho < 1, "M/M/1 needs λ < μ")
  local r = { rho = rho, W = 1 / (mu - lambda), Wq = rho / (mu - lambda), L = rho / (1 - rho),
              Lq = rho * rho / (1 - rho), C = rho, U = rho }
  r.tail = function(t) return math.exp(-(mu - lambda) * t) end   -- P(T > t)
  r.quantile = function(p) return -math.log(1 - p) / (mu - lambda) end
  return r
end

-- Erlang B by the stable recursion, then Erlang C (§4.3).
function Q.erlang_b(c, a)
  local b = 1
  for k = 1, c do b = a * b / (k + a * b) end
  return b
end

function Q.erlang_c(c, a)
  local b = Q.erlang_b(c, a)
  return c * b / (c - a * (1 - b))
end

-- M/M/c (§4.3), FCFS. The sojourn tail is the closed form of §4.3; quantiles by bisection.
function Q.mmc(c, lambda, mu)
  local a = lambda / mu
  local rho = a / c
  assert(rho < 1, "M/M/c needs λ < cμ")
  local C = Q.erlang_c(c, a)
  local theta = c * mu - lambda
  local r = { rho = rho, C = C, Wq = C / theta, U = rho }
  r.W = r.Wq + 1 / mu
  r.Lq = lambda * r.Wq
  r.L = r.Lq + a
  r.tail = function(t)
    if math.abs(theta - mu) < 1e-12 then -- the confluent case: (1 − C)e^{−μt} + C(1 + μt)e^{−μt}
      return (1 - C) * math.exp(-mu * t) + C * (1 + mu * t) * math.exp(-mu * t)
    end
    return (1 - C) * math.exp(-mu * t) + C * (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
  end
  r.quantile = function(p)
    local lo, hi = 0, 1
    while r.tail(hi) > 1 - p do hi = hi * 2 end
    for _ = 1, 200 do
      local mid = (lo + hi) / 2
      if r.tail(mid) > 1 - p then lo = mid else hi = mid end
    end
    return (lo + hi) / 2
  end
  return r
end

-- M/G/1, Pollaczek–Khinchine (§4.5): m1 = E[S], m2 = E[S²].
function Q.mg1(lambda, m1, m2)
  local rho = lambda * m1
  assert(rho < 1, "M/G/1 needs ρ < 1")
  local r = { rho = rho, Wq = lambda * m2 / (2 * (1 - rho)), U = rho, C = rho }
  r.W = r.Wq + m1
  r.Lq = lambda * r.Wq
  r.L = r.Lq + rho
  r.cs2 = m2 / (m1 * m1) - 1
  return r
end

-- Exact single-class MVA (§4.9) for queueing stations with service times S[k] and visit ratios
-- V[k] (single-server FCFS, exponential), plus a delay (think time) Z. Returns a list indexed by
-- population n = 1..N of {X = throughput, R = response (Σ V_k R_k), Q = {per station}}.
function Q.mva(S, V, Z, N)
  local K = #S
  local q = {}
  for k = 1, K do q[k] = 0 end
  local out = {}
  for n = 1, N do
    local rk, R = {}, 0
    for k = 1, K do
      rk[k] = S[k] * (1 + q[k])
      R = R + V[k] * rk[k]
    end
    local X = n / (Z + R)
    local qs, us = {}, {}
    for k = 1, K do
      q[k] = X * V[k] * rk[k]
      qs[k] = q[k]
      us[k] = X * V[k] * S[k]
    end
    out[n] = { X = X, R = R, Rk = rk, Q = qs, U = us }
  end
  return out
end

-- ---- checks ------------------------------------------------------------------------------------

local function fmt(x)
  if x == 0 then return "0" end
  local a = math.abs(x)
  if a >= 100 then return string.format("%.2f", x) end
  if a >= 1 then return string.format("%.4f", x) end
  return string.format("%.5f", x)
end
Q.fmt = fmt

-- Registers a check "theory lies in the 95 % batch-means confidence interval". `values` is called
-- at the end of the run and returns the list of per-batch estimates.
function Q.check_ci(name, theory, values, unit)
  unit = unit or ""
  sim.check(name, function()
    local xs = values()
    local m, h, n = Q.ci(xs)
    local ok = math.abs(m - theory) <= h
    return ok, string.format("theory %s%s, simulated %s ± %s%s (95%% CI, %d batches)", fmt(theory), unit,
      fmt(m), fmt(h), unit, n)
  end)
end

-- Registers a check |observed − expected| <= tol (absolute) with a stated reason.
function Q.check_close(name, expected, observed, tol, unit)
  unit = unit or ""
  sim.check(name, function()
    local e, o = expected, observed()
    if type(e) == "function" then e = e() end
    local ok = math.abs(o - e) <= tol
    return ok, string.format("expected %s%s, observed %s%s (tolerance ±%s%s)", fmt(e), unit, fmt(o), unit, fmt(tol), unit)
  end)
end

-- ---- the harness -------------------------------------------------------------------------------

-- One FCFS station with Poisson arrivals (see the header) or a closed loop. Options:
--   node, cores, rate (per second), service (a distribution: sim.exp, sim.const, ...),
--   or instead of rate, users and think (a closed loop: a machine-repairman model),
--   warmup, batch (window length), batches, sample (queue-sampling period) — all in ms;
--   thresholds: list of response times t whose exceedance fraction P(T > t) is estimated.
-- Returns st; after sim.run, st.batch[b] holds the per-window statistics (n, W, Wq, X, Lq, L, U,
-- waited, C = P(wait > 0), p[i] = exceedance of thresholds[i]) and
-- st.all the whole-run totals.
function Q.station(o)
  local st = { o = o, batch = {}, all = { n = 0, sumT = 0 } }
  local B, Tb, W0 = o.batches, o.batch, o.warmup
  local tend = W0 + B * Tb
  st.tend = tend
  sim.node(o.node, { cores = o.cores, instr_ns = 0, quantum = "100000s" })
  local thr = o.thresholds or {}
  for b = 1, B do
    local e = {}
    for i = 1, #thr do e[i] = 0 end
    st.batch[b] = { n = 0, sumT = 0, sumWq = 0, waited = 0, exceed = e, samples = 0, sumLq = 0, sumL = 0 }
  end
  local function window(t)
    if t < W0 then return nil end
    local b = math.floor((t - W0) / Tb) + 1
    if b > B then return nil end
    return st.batch[b]
  end
  local service = o.service
  local base -- processes on the node that are not requests (the load's client process)
  local load = { name = o.node, node = o.node, to = tend }
  if o.users then -- closed loop: N users, each thinking then sending one request and waiting
    load.users, load.think = o.users, o.think
  else
    load.arrival = sim.poisson(o.rate)
  end
  -- every request's arrival, service time and wait, by request number (ctx.n, given at arrival:
  -- no concurrency limit), for the exact FCFS check below
  local arr, svc, wait = {}, {}, {}
  st.arr, st.svc, st.wait = arr, svc, wait
  load.request = function(ctx)
    local a = otp.process_info().start_time -- spawned when the request arrived
    local s0 = otp.now()
    otp.work(service)
    local d = otp.now()
    arr[ctx.n], svc[ctx.n], wait[ctx.n] = a, d - s0, s0 - a
    local all = st.all
    if d <= tend then -- completed within the run (this code runs when the slice starts)
      all.n = all.n + 1
      all.sumT = all.sumT + (d - a)
    end
    local w = window(d)
    if w then
      local T = d - a
      w.n = w.n + 1
      w.sumT = w.sumT + T
      w.sumWq = w.sumWq + (s0 - a)
      if s0 > a then w.waited = w.waited + 1 end
      for i = 1, #thr do
        if T > thr[i] then w.exceed[i] = w.exceed[i] + 1 end
      end
    end
  end
  sim.load(load)
  -- The queue, sampled on a regular grid (a period that is no whole number of ms):
  -- run_queue = requests waiting for a core (Lq); processes − base = requests in the system (L).
  sim.every(o.sample, function()
    local ns = sim.node_stats(o.node)
    if base == nil then
      if ns.processes == 0 then return end
      base = 1 -- the load's client process, spawned with the first request
    end
    local w = window(sim.now())
    if w then
      w.samples = w.samples + 1
      w.sumLq = w.sumLq + ns.run_queue
      w.sumL = w.sumL + (ns.processes - base)
    end
  end, { to = tend })
  -- Core time used per window (utilisation).
  local busy = {}
  for b = 0, B do
    sim.at(W0 + b * Tb, function() busy[b] = sim.node_stats(o.node).busy_ms end)
  end
  -- Per-window estimates, computed once at the end.
  local done = false
  function st.finish()
    if done then return end
    done = true
    for b = 1, B do
      local w = st.batch[b]
      w.W = w.sumT / w.n
      w.Wq = w.sumWq / w.n
      w.X = w.n / Tb
      w.Lq = w.sumLq / w.samples
      w.L = w.sumL / w.samples
      w.Little = w.X * w.W
      w.LittleQ = w.X * w.Wq
      w.U = (busy[b] - busy[b - 1]) / (o.cores * Tb)
      w.C = w.waited / w.n
      w.p = {}
      for i = 1, #thr do w.p[i] = w.exceed[i] / w.n end
    end
  end
  function st.values(key, i)
    return function()
      st.finish()
      local xs = {}
      for b = 1, B do
        local v = st.batch[b][key]
        if i then v = v[i] end
        xs[b] = v
      end
      return xs
    end
  end
  return st
end

-- The standard set of checks of a station against a theory table th (W, Wq, L, Lq, U, C):
-- every one is "theory ∈ 95 % batch-means CI". what: a label such as "M/M/1 ρ=0.8".
function Q.station_checks(st, th, what, extra)
  extra = extra or {}
  Q.check_ci(what .. ": mean response time W", th.W, st.values("W"), " ms")
  Q.check_ci(what .. ": mean wait Wq", th.Wq, st.values("Wq"), " ms")
  Q.check_ci(what .. ": mean queue length Lq, sampled run queue", th.Lq, st.values("Lq"))
  Q.check_ci(what .. ": mean number in system L, sampled processes", th.L, st.values("L"))
  Q.check_ci(what .. ": L by Little's law, throughput x mean response", th.L, st.values("Little"))
  Q.check_ci(what .. ": Lq by Little's law, throughput x mean wait", th.Lq, st.values("LittleQ"))
  Q.check_ci(what .. ": utilisation", th.U, st.values("U"))
  if extra.C then Q.check_ci(what .. ": P(wait > 0)", th.C, st.values("C")) end
  -- FCFS exactly: each request's wait equals the Kiefer–Wolfowitz recursion for c servers (the
  -- Lindley recursion for c = 1) applied to the realized arrival and service times — requests
  -- start in arrival order on the first free core. Tolerance 1e-9 ms (floating point).
  sim.check(what .. ": every wait equals the FCFS recursion on the realized arrivals and services", function()
    local free = {}
    for k = 1, st.o.cores do free[k] = -math.huge end
    local worst, n = 0, 0
    local i = 1
    while st.arr[i] do
      local k = 1
      for j = 2, #free do if free[j] < free[k] then k = j end end
      local start = math.max(st.arr[i], free[k])
      free[k] = start + st.svc[i]
      worst = math.max(worst, math.abs((start - st.arr[i]) - st.wait[i]))
      n, i = i, i + 1
    end
    return n > 0 and worst <= 1e-9, string.format("%d requests, largest difference %.3g ms", n, worst)
  end)
  -- The load generator's response time (completion − intended time, sim.metrics) and the
  -- request process's own (completion − spawn time) are the same numbers: equal counts (of the
  -- requests completed by the end of the run) and equal sums.
  sim.check(what .. ": sim.metrics response mean = the processes' own mean", function()
    local m = sim.metrics(st.o.node)
    local mine = st.all.sumT / st.all.n
    local rel = math.abs(m.response.mean - mine) / mine
    return m.count == st.all.n and rel < 1e-9,
      string.format("%d vs %d requests, mean %.9f vs %.9f ms", m.count, st.all.n, m.response.mean, mine)
  end)
end

-- Checks of a response-time quantile with a closed form (th.quantile, th.tail), threshold i of
-- the station. (1) The exceedance fraction of the theoretical quantile t_p, P(T > t_p) = 1 − p,
-- lies in its batch-means CI [1 − p − h, 1 − p + h]. (2) The load generator's HdrHistogram
-- quantile (sim.metrics, whole run, 0.1 % buckets) lies between the theoretical quantiles of
-- 1 − (1 − p ± h): the same CI mapped through the theoretical CDF, plus one bucket (+0.1 %) — a
-- tolerance that is the statistical uncertainty of this run, nothing chosen by hand.
-- (Averaging per-window quantiles instead is biased low at these loads: exceedances of the p99
-- cluster in rare congestion episodes, so per-window fractions vary by ~100 % and the mean of
-- quantiles falls below the quantile of the pooled data.)
function Q.quantile_checks(st, th, what, p, i, key)
  local t = th.quantile(p)
  local label = string.format("%s: p%g", what, p * 100)
  Q.check_ci(string.format("%s, P(T > theoretical %s ms) = %g%%", label, Q.fmt(t), (1 - p) * 100), 1 - p,
    st.values("p", i))
  sim.check(label .. " of sim.metrics (HdrHistogram) within the CI mapped through the theoretical CDF", function()
    local _, h = Q.ci(st.values("p", i)())
    local lo = th.quantile(p - h)
    local hi = p + h < 1 and th.quantile(p + h) or math.huge
    local v = sim.metrics(st.o.node).response[key]
    local ok = v >= lo and v <= hi * (1 + 1 / 1024)
    return ok, string.format("HdrHistogram %s ms, theory %s ms (%+.1f%%), allowed [%s, %s] ms", Q.fmt(v), Q.fmt(t),
      (v / t - 1) * 100, Q.fmt(lo), Q.fmt(hi * (1 + 1 / 1024)))
  end)
end

return Q
