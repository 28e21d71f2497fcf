-- regulation_compare.lua — one overload, six ways to meet it: compare load-regulation designs
-- (docs/regulation.md) under the same load and seed.
--
-- "db", a gen_server on a 1-core node, spends an exponential 2 ms of CPU per request (capacity
-- ~500/s). Clients on another node arrive at Poisson times, 700/s by default (1.4x capacity),
-- and each wants an answer within 2 s. --set design=... chooses what stands between them:
--
--   none   plain gen_server calls (timeout 2 s): the mailbox grows without bound, latency with
--          it, and once the wait passes 2 s the server works for callers that gave up.
--   jobs   otp.jobs queue on the client node: counter 8 (at most 8 requests in the server),
--          max_time 100 ms (a request that cannot start within 100 ms is told "timeout"),
--          max_size 200 (beyond that, "rejected" at once).
--   rate   otp.jobs queue with a rate regulator at 90% of capacity (450/s) and max_time 100.
--   codel  otp.codel: 8 in the server, CoDel on the queue (target 5 ms, interval 100 ms).
--          Alone (codel_size=0) it fails here: its drop rate grows only as interval/√count, so
--          against open-loop clients that do not back off the queue saws up to ~700 ms before
--          the drops catch up. --set codel_size=50 adds safetyvalve's size bound and passes.
--   fuse   otp.fuse around 100 ms calls: a timeout melts it; 10 melts in a second blow it for
--          250 ms, during which callers fail fast ("blown") and the server drains. A breaker
--          is not admission control: it protects latency but throws away half the capacity.
--   shed   the server answers "overload" at once, without working, while more than 50
--          requests wait in its mailbox (otp.shed.should_drop).
--
-- Every second: offered, served, refused (by reason), p99 of served latency, db mailbox.
-- Checks: served latency p99 within the SLO, and goodput (served within the SLO) at least 80%
-- of capacity. At the default load jobs, rate and shed pass; none fails both; codel (without a
-- size bound) and fuse fail, for the reasons above. The regulators' own events are in the
-- trace ("regulator" events) and the metrics (--json metrics.counters, e.g. jobs.db.timeout).
--
--   otpsim run scenarios/regulation_compare.lua --set design=codel --seed 3

local design     = sim.param("design", "jobs")
local rate       = sim.param("rate", 700)          -- offered requests per second
local service_ms = sim.param("service_ms", 2)      -- mean CPU per request
local duration   = sim.param("duration", "10s")
local slo_ms     = sim.param("slo_ms", 200)
local codel_size = sim.param("codel_size", 0)       -- codel: max queued (0: unbounded)

local designs = {none = true, jobs = true, rate = true, codel = true, fuse = true, shed = true}
assert(designs[design], "design must be one of none, jobs, rate, codel, fuse, shed")

sim.node("db", {cores = 1})
sim.node("clients", {cores = 4, instr_ns = 0})

local capacity = 1000 / service_ms
local DB = {"db", "db"}

local db = {
  init = function() return "ok", nil end,
  handle_call = function(req, _, s)
    if design == "shed" and otp.shed.should_drop(50, "db") then return "reply", "overload", s end
    otp.work(-service_ms * math.log(1 - math.random()))
    return "reply", "ok", s
  end,
}

local served, refused, window = {}, {}, {served = {}, refused = 0, offered = 0}

local function call(timeout)
  local ok, r = pcall(otp.gen_server.call, DB, "req", timeout)
  if ok then return r end
  return "timeout"
end

-- one request through the chosen design: "ok" or the reason it was refused
local request = {
  none = function() return call(2000) end,
  jobs = function() return otp.jobs.run("db", call, 2000) end,
  rate = function() return otp.jobs.run("db", call, 2000) end,
  codel = function() return otp.codel.run("db", call, 2000) end,
  fuse = function()
    local r, x = otp.fuse.run("db", function()
      local v = call(100)
      if v == "timeout" then return "melt", v end
      return "ok", v
    end)
    if r == "ok" then return x end
    return r or x
  end,
  shed = function() return call(2000) end,
}

local function client()
  local t0 = otp.now()
  local r, why = request[design]()
  local dt = otp.now() - t0
  if r == "ok" then
    served[#served + 1] = dt
    window.served[#window.served + 1] = dt
  else
    local reason = why or r or "?"
    refused[reason] = (refused[reason] or 0) + 1
    window.refused = window.refused + 1
  end
end

sim.spawn("db", function() assert(otp.gen_server.start(db, nil, {name = "db"})) end)

sim.spawn("clients", function()
  if design == "jobs" then
    otp.jobs.add_queue("db", {counter = 8, max_time = 100, max_size = 200})
  elseif design == "rate" then
    otp.jobs.add_queue("db", {rate = 0.9 * capacity, max_time = 100})
  elseif design == "codel" then
    otp.codel.start("db", {concurrency = 8, target = 5, interval = 100, size = codel_size > 0 and codel_size or nil})
  elseif design == "fuse" then
    otp.fuse.install("db", {max_r = 10, max_t = 1000, reset = 250})
  end
  while true do
    otp.sleep(-1000 / rate * math.log(1 - math.random()))   -- Poisson arrivals
    window.offered = window.offered + 1
    otp.spawn(client)
  end
end)

local function p99(xs)
  if #xs == 0 then return 0 end
  local s = {table.unpack(xs)}
  table.sort(s)
  return s[math.max(1, math.ceil(#s * 0.99))]
end

sim.every("1s", function()
  local pid = otp.whereis("db", "db")
  print(string.format("t=%2ds  offered %4d  served %4d  refused %4d  p99 %7.1f ms  db mailbox %d",
    sim.now() // 1000, window.offered, #window.served, window.refused, p99(window.served),
    pid and otp.process_info(pid).message_queue_len or -1))
  window = {served = {}, refused = 0, offered = 0}
end, {to = duration})

sim.run{duration = duration}

local secs = sim.now() / 1000
local good = 0
for _, dt in ipairs(served) do if dt <= slo_ms then good = good + 1 end end

print("design", design, "served", #served, "refused", refused)

sim.check("served latency p99 within the SLO", function()
  return p99(served) <= slo_ms, string.format("p99 %.1f ms (SLO %d ms)", p99(served), slo_ms)
end)
sim.check("goodput (served within the SLO) at least 80% of capacity", function()
  return good >= 0.8 * capacity * secs,
         string.format("%.0f/s within %d ms (capacity %.0f/s)", good / secs, slo_ms, capacity)
end)
