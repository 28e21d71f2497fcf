-- backpressure.lua — the same 2x overload against two designs: one that accepts everything and
-- one that regulates admission. Same seed, same load: the requests arrive at the same instants
-- in both runs (an open-loop load's arrivals do not depend on what the service does).
--
--   otpsim run scenarios/backpressure.lua                          # design=regulated (default)
--   otpsim run scenarios/backpressure.lua --set design=unbounded
--
-- The system: "db", a gen_server on its own node (1 core, 32 MB of memory, restarted by heart 5 s
-- after it dies), spends a lognormal CPU time per query (median 2 ms, p99 10 ms; mean 2.5 ms), so
-- it can answer about 390 queries per second. Clients on "front" send 800 requests per second
-- (Poisson, sim.load), each carrying a 4 KB body: twice what the db can do, for 40 s.
--
-- design=unbounded — every request goes straight to the db with gen_server.call's default 5 s
--   timeout. The db's mailbox absorbs the excess: 400 more requests every second, 1.7 MB/s of
--   memory. Latency grows with the queue until every caller gives up after 5 s; the db keeps
--   working through requests nobody waits for any more (so almost nothing it does is useful),
--   and after about 19 s the node runs out of memory and dies, losing everything queued; heart
--   restarts it and the same thing starts again. The checks assert that this happens.
--
-- design=regulated — a jobs queue on "front" (otp.jobs, Ulf Wiger's jobs regulator, see
--   docs/regulation.md) admits a request only when one of 4 db slots is free (a counter
--   regulator), queues at most 40 more (max_size; FIFO) and for at most 150 ms (max_time). What
--   does not fit in the queue is rejected at once: the request fails fast (the client would show
--   "try again later" or a degraded page); the rare request that waits 150 ms is rejected then.
--   The db never holds more than 4 requests, its memory stays flat, it works at full speed on
--   requests someone still waits for, and the admitted requests keep their SLO (p99 under
--   200 ms; about 395 served per second). The SLOs (sim.slo) and checks assert this.
--
-- The lesson (Cesarini & Vinoski, "Designing for Scalability with Erlang/OTP", ch. 15, "Load
-- Regulation and Backpressure"): when demand exceeds capacity, something has to give. An
-- unbounded mailbox does not make the excess go away; it turns it into latency, then into wasted
-- work, then into a crash. Decide at the edge what to admit, reject the rest early and cheaply,
-- and the system serves what it can at full speed instead of failing everyone. A rejected request
-- counts as an error in sim.load (it is not timed), so the latency SLO below is about the
-- admitted traffic and the throughput SLO about useful work.
local design   = sim.param("design", "regulated")   -- "regulated" or "unbounded"
local rate     = sim.param("rate", 800)             -- requests per second offered
local duration = sim.param("duration", "40s")
local slots    = sim.param("slots", 4)              -- regulated: requests at the db at once
local max_size = sim.param("max_size", 40)          -- regulated: queued at most
local max_time = sim.param("max_time", 150)         -- regulated: ms queued at most
assert(design == "regulated" or design == "unbounded", "design must be \"regulated\" or \"unbounded\"")

local BODY = string.rep("x", 4096)
local query_time = sim.lognormal(2, 10)
local memory_mb = 32

sim.node("front", {cores = 4})
sim.node("db", {cores = 1, memory = memory_mb * 1048576, heart = "5s", boot = function()
  local Db = {
    init = function() return "ok", 0 end,
    handle_call = function(req, _, n)
      otp.work(query_time)
      return "reply", #req.body, n + 1
    end,
  }
  assert(otp.gen_server.start(Db, nil, {name = "db"}))
end})

if design == "regulated" then
  assert(otp.jobs.add_queue("db", {counter = slots, max_size = max_size, max_time = max_time, node = "front"}))
end

-- Rejections: how long a client waited to be told no (ms).
local rejected, reject_slow, reject_max = 0, 0, 0
local function request(ctx)
  local msg = {key = ctx.key, body = BODY}
  if design == "unbounded" then
    return (pcall(otp.gen_server.call, {"db", "db"}, msg))   -- default timeout: 5 s
  end
  local t0 = otp.now()
  local ok, opaque = otp.jobs.ask("db")
  if ok ~= "ok" then
    local waited = otp.now() - t0
    rejected = rejected + 1
    reject_max = math.max(reject_max, waited)
    if waited > 1 then reject_slow = reject_slow + 1 end
    return false                                            -- an error outcome, not timed
  end
  local answered = pcall(otp.gen_server.call, {"db", "db"}, msg, 1000)
  otp.jobs.done(opaque)
  return answered
end

sim.load{name = "api", node = "front", arrival = sim.poisson(rate), to = duration, timeout = "10s",
         key = sim.uniform_key(100000), request = request}
sim.watch("db", "db")

-- What the db node does: peak mailbox and memory, sampled every 100 ms.
local peak_queue, peak_mb = 0, 0
local function db_queue()
  local pid = otp.whereis("db", "db")
  local info = pid and otp.process_info(pid)
  return info and info.message_queue_len or 0
end
sim.every("100ms", function()
  peak_queue = math.max(peak_queue, db_queue())
  peak_mb = math.max(peak_mb, sim.node_stats("db").memory / 1048576)
end, {to = duration})
sim.every("5s", function()
  local m, st = sim.metrics("api"), sim.node_stats("db")
  print(string.format("t=%2ds  db %-4s mailbox %5d  memory %5.2f MB  ok %6d  failed %6d  p99 of ok %8.1f ms",
    sim.now() // 1000, st.up and "up" or "DOWN", db_queue(), st.memory / 1048576, m.ok, m.errors + m.timeouts,
    m.response.p99))
end, {to = duration})

sim.run{duration = duration}
sim.run{duration = "10s"}   -- every request in flight finishes or times out

local function summary()
  local m = sim.metrics("api")
  return m, string.format("%d requests: %d ok, %d failed; p99 of the ok ones %.1f ms; db crashed %d times; "
    .. "peak db mailbox %d, memory %.2f MB", m.count, m.ok, m.errors + m.timeouts, m.response.p99,
    sim.node_stats("db").crashes, peak_queue, peak_mb)
end

if design == "regulated" then
  sim.slo{load = "api", p99 = "200ms", throughput = 350}
  sim.check("the db stayed up, its mailbox and memory bounded", function()
    local _, text = summary()
    return sim.node_stats("db").crashes == 0 and peak_queue <= slots and peak_mb < 0.1 * memory_mb, text
  end)
  sim.check("the excess was rejected: about half the requests", function()
    local m = sim.metrics("api")
    local share = m.errors / m.count
    return share > 0.4 and share < 0.6 and m.timeouts == 0,
      string.format("%.1f %% rejected (%d), %d timeouts", 100 * share, m.errors, m.timeouts)
  end)
  sim.check("rejections were quick: 99 % answered within 1 ms, none after more than max_time", function()
    return reject_slow <= 0.01 * rejected and reject_max <= max_time + 1,
      string.format("%d of %d rejections took over 1 ms; the slowest %.1f ms", reject_slow, rejected, reject_max)
  end)
else
  sim.check("the unbounded mailbox ran the db node out of memory", function()
    local _, text = summary()
    return sim.node_stats("db").crashes >= 1, text
  end)
  sim.check("latency exploded: the p99 of the requests answered in time is over 10x the 200 ms SLO", function()
    local m = sim.metrics("api")
    return m.response.p99 > 2000, string.format("p99 %.0f ms", m.response.p99)
  end)
  sim.check("useful throughput collapsed: under 60 % of what the db can do", function()
    local m = sim.metrics("api")
    local x = m.ok / (sim.now() - 10000) * 1000
    return x < 0.6 * 390, string.format("%.0f answered requests per second (capacity about 390)", x)
  end)
end
