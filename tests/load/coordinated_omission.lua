-- Coordinated omission (capacity-validation.md §3.5-3.6): a server that stalls for 1 s under a
-- constant-rate open load, seen from the intended send times (response time, wrk2's corrected
-- latency) and from the actual send times (service time, wrk's uncorrected latency).
--
-- Setup: a gen_server on a 1-core server node answers each call after 1 ms of CPU (instr_ns = 0,
-- a quantum no request reaches: FIFO, nothing preempted; zero network latency). At
-- t_s = 10.005 s a process on that node takes the core for 1000 ms (otp.work(1000)): the stall.
-- Load "wrk": one call every Δ = 10 ms (sim.constant(100)) from 10 ms to 19.99 s, 1999 requests,
-- with concurrency = 1 — one wrk connection: a request whose time comes while the previous one
-- is outstanding waits for it, and then is sent at once.
--
-- Exact prediction (the Lindley recursion of this deterministic queue, computed below): requests
-- 1..1000 and 1112..1999 take 1 ms; request 1001 (intended 10.010 s) is sent on time and answered
-- at 11.006 s: 996 ms both ways; request 1001 + j (j = 1..110) is sent when j − 1 is answered, at
-- 11.005 s + j, and answered 1 ms later: its service time is 1 ms but its response time is
-- 996 − 9j ms (987, 978, ..., 6). So:
--   service  (uncorrected): 1998 × 1 ms + one 996 ms: p50 = p90 = p99 = p99.9 = 1 ms, max 996 ms,
--            mean 1.498 ms — the stall shows up in one sample, as the worked example's "raw" row;
--   response (corrected):   1888 × 1 ms + a ramp 6, 15, ..., 996 ms (111 samples):
--            p50 = p90 = 1 ms, p99 = 816 ms, p99.9 = 978 ms, max 996 ms, mean 28.76 ms — the
--            stall spread over every request it delayed, as the worked example's "corrected" row
--            (HdrHistogram's post-hoc back-fill with Δ = 10 ms would give 99 samples 996, 986, ...,
--            16 ms; the simulator knows each request's intended time, so it gets the exact
--            ramp, whose step is Δ − 1 ms because the catch-up requests take 1 ms each).
-- p99 response / p99 service = 816 (wrk2's README demo: "≈200×" for a 1.4 s stall).
--
-- Load "open": the same schedule against a second, identical server with the same stall, with no
-- concurrency limit: every request is sent at its intended time, so its service time equals its
-- response time, and both equal the "wrk" load's response times (same completions).
--
-- Every percentile is checked against the prediction under the HdrHistogram convention: the
-- reported value is the highest value equivalent to the exact sample (at most 1/1024 above it),
-- capped at the exact maximum; the counts and maxima exactly; the means to 1e-9.
sim.net { latency = 0 }
local DELTA, S, STALL, TS, FROM, TO = 10, 1, 1000, 10005, 0, 20000
for _, n in ipairs { "client", "srv", "client2", "srv2" } do
  sim.node(n, { cores = 1, instr_ns = 0, quantum = "100000s" })
end
local Server = {
  init = function() return "ok", 0 end,
  handle_call = function(req, from, n) otp.work(S); return "reply", "ok", n + 1 end,
}
sim.spawn("srv", function() otp.gen_server.start(Server, nil, { name = "svc" }) end)
sim.spawn("srv2", function() otp.gen_server.start(Server, nil, { name = "svc" }) end)
sim.at(TS, function()
  sim.spawn("srv", function() otp.work(STALL) end)
  sim.spawn("srv2", function() otp.work(STALL) end)
end)
sim.load { name = "wrk", node = "client", arrival = sim.constant(1000 / DELTA), from = FROM, to = TO,
           concurrency = 1, target = { "svc", "srv" }, call = "req" }
sim.load { name = "open", node = "client2", arrival = sim.constant(1000 / DELTA), from = FROM, to = TO,
           target = { "svc", "srv2" }, call = "req" }

-- ---- the prediction: intended times k·Δ, one connection, FIFO server with the stall ----------
local resp, serv = {}, {}
do
  local conn_free, server_free, stall_done = 0, 0, false
  local k = 1
  while k * DELTA < TO do
    local intended = k * DELTA
    local sent = math.max(intended, conn_free)
    if not stall_done and TS <= sent then -- the stall took the core first (the server was idle
      server_free = math.max(server_free, TS) + STALL -- at TS: no request is due then)
      stall_done = true
    end
    local done = math.max(sent, server_free) + S
    server_free, conn_free = done, done
    resp[#resp + 1] = done - intended
    serv[#serv + 1] = done - sent
    k = k + 1
  end
end
local function sorted(t)
  local c = {}
  for i, v in ipairs(t) do c[i] = v end
  table.sort(c)
  return c
end
local function mean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + v end
  return s / #t
end
local R, Sv = sorted(resp), sorted(serv)
-- nearest rank, as HdrHistogram: rank = max(1, floor(p/100·N + 0.5))
local function pct(c, p) return c[math.max(1, math.floor(p / 100 * #c + 0.5))] end
-- the HdrHistogram value of an exact sample v in ms (1 µs .. 24 h in ns, 3 digits): the highest
-- equivalent value, capped at the maximum. Bucket width at v ns: 2^(floor(log2 v) − 10) ns for
-- v >= 2048 ns.
local function hdr_value(v_ms, max_ms)
  local ns = math.floor(v_ms * 1e6 + 0.5)
  local mag = 0
  while (1 << (mag + 1)) <= ns do mag = mag + 1 end
  local w = mag >= 11 and (1 << (mag - 10)) or 1
  local hi = (ns // w) * w + w - 1
  return math.min(hi, math.floor(max_ms * 1e6 + 0.5)) / 1e6
end

local function fmt(x) return string.format("%.6g", x) end
local function check_hist(load, kind, exact)
  local keys = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p999", 99.9 } }
  sim.check(string.format("%s %s: count, mean, max and p50/p90/p99/p99.9 as predicted", load, kind), function()
    local m = sim.metrics(load)
    local h = m[kind]
    local max = exact[#exact]
    local got, want = {}, {}
    local ok = m.count == #exact and m.ok == #exact and math.abs(h.max - max) < 1e-9 and
      math.abs(h.mean - mean(exact)) < 1e-9 * mean(exact)
    for _, k in ipairs(keys) do
      local w = hdr_value(pct(exact, k[2]), max)
      ok = ok and math.abs(h[k[1]] - w) < 1e-9
      got[#got + 1] = string.format("%s %s", k[1], fmt(h[k[1]]))
      want[#want + 1] = fmt(w)
    end
    return ok, string.format("%d requests, mean %.3f, %s, max %s ms (predicted %d, mean %.3f, %s, max %s)",
      m.count, h.mean, table.concat(got, ", "), fmt(h.max), #exact, mean(exact), table.concat(want, "/"), fmt(max))
  end)
end

-- The prediction itself has the shape described above.
sim.check("prediction: 1999 requests, 111 delayed ones forming the ramp 996 - 9j ms", function()
  local slow = 0
  for _, v in ipairs(resp) do if v > S then slow = slow + 1 end end
  local ramp = true
  for j = 0, 110 do ramp = ramp and resp[1001 + j] == 996 - 9 * j end
  return #resp == 1999 and slow == 111 and ramp and pct(Sv, 99.9) == 1 and pct(R, 99) == 816,
    string.format("%d requests, %d delayed, p99 response %g ms, p99.9 service %g ms", #resp, slow, pct(R, 99), pct(Sv, 99.9))
end)
check_hist("wrk", "service", Sv)
check_hist("wrk", "response", R)
check_hist("open", "service", R) -- no coordination: service = response
check_hist("open", "response", R)
sim.check("coordinated omission: service (uncorrected) p99 hides the stall; response p99 shows it (>= 100x)", function()
  local m = sim.metrics("wrk")
  local ratio = m.response.p99 / m.service.p99
  return m.service.p999 < 1.01 and m.response.p99 > 800 and ratio >= 100,
    string.format("p99 %.3f ms vs %.3f ms: %.0fx; p99.9 service %.3f ms", m.response.p99, m.service.p99, ratio, m.service.p999)
end)
sim.run { duration = TO + 2000 }
