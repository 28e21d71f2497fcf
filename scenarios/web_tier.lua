-- web_tier.lua — a three-tier web service under open-loop Poisson load, judged by SLOs.
--
--   clients ──call──▶ "front" (node front) ──call──▶ "pool" (node app) ──call──▶ "db" (node db)
--                     a gen_server that          a gen_server that hands     one gen_server:
--                     spawns a handler per       each request to an idle     every query goes
--                     request (parse, then       worker (16 workers; busy:   through its mailbox
--                     call the app tier)         requests queue in order)
--
-- The load (sim.load) is open loop: requests arrive at `rate` per second (Poisson) whatever the
-- service does, each a gen_server call to "front" built in C (the fast path), for a page chosen
-- by a Zipf law over 1000 pages. Response times are measured from each request's intended
-- arrival time (no coordinated omission: docs/load.md). Service times are lognormal — most
-- requests are quick, a few are slow, as measured systems are:
--
--   front  parse         median 0.5 ms, p99 3 ms      (4 cores)
--   app    business      median 5 ms,   p99 25 ms     (8 cores, 16 workers)
--   db     query         median 1 ms,   p99 5 ms      (one gen_server: the bottleneck to watch)
--
-- At the default 400 requests/s the db gen_server is about 50 % busy, the app node's CPU about
-- 30 %, and the SLOs hold: p99 under 100 ms, under 0.1 % errors, throughput within 2 % of the
-- offered rate. Raise the rate and the db saturates first: every query waits longer, so the 16
-- app workers, each blocked in its db call, are all busy more often and requests queue at the
-- pool. At --set rate=750 (db ~95 % busy) the p99 SLO and the db mailbox check fail, with a
-- `reproduce:` line.
--
--   otpsim run scenarios/web_tier.lua --metrics web.csv --json web.json --junit web.xml
--
-- web.csv holds, per second, the load's throughput and latency percentiles, every node's CPU,
-- run queue and memory, and the db's and pool's mailbox lengths (sim.watch).
local rate     = sim.param("rate", 400)        -- requests per second offered (Poisson)
local duration = sim.param("duration", "30s")
local workers  = sim.param("workers", 16)      -- app pool size

local parse_time  = sim.lognormal(0.5, 3)      -- CPU on front, per request
local app_time    = sim.lognormal(5, 25)       -- CPU on app, per request
local query_time  = sim.lognormal(1, 5)        -- CPU on db, per query

sim.node("front", {cores = 4})
sim.node("app", {cores = 8})
sim.node("db", {cores = 1})

-- ---- db: one gen_server, a query at a time ---------------------------------------------------
local Db = {
  init = function() return "ok", {queries = 0} end,
  handle_call = function(req, _, s)
    otp.work(query_time)
    s.queries = s.queries + 1
    return "reply", {page = req.page, rows = req.page % 7 + 1}, s
  end,
}

-- ---- app: a pool of workers behind a dispatcher gen_server ----------------------------------
local function worker(pool)
  while true do
    local job = otp.receive()
    otp.work(app_time)
    local ok, res = pcall(otp.gen_server.call, {"db", "db"}, {page = job.req.page}, 2000)
    otp.gen_server.reply(job.from, ok and {page = job.req.page, rows = res.rows} or {error = "db"})
    otp.gen_server.cast(pool, {free = otp.self()})
  end
end

local Pool = {
  init = function(n)
    local s = {idle = {}, waiting = {}, first = 1, last = 0}
    for i = 1, n do s.idle[i] = otp.spawn_link(worker, otp.self()) end
    return "ok", s
  end,
  handle_call = function(req, from, s)         -- {page = p}: answered by a worker
    local w = table.remove(s.idle)
    if w then otp.send(w, {req = req, from = from})
    else s.last = s.last + 1; s.waiting[s.last] = {req = req, from = from} end
    return "noreply", s
  end,
  handle_cast = function(msg, s)               -- {free = worker}
    if s.first <= s.last then
      local job = s.waiting[s.first]
      s.waiting[s.first] = nil
      s.first = s.first + 1
      otp.send(msg.free, job)
    else
      s.idle[#s.idle + 1] = msg.free
    end
    return "noreply", s
  end,
}

-- ---- front: a handler process per request ------------------------------------------------------
-- A failure behind the front is still answered (an error page), and the load's fast path counts
-- every reply as ok; so the front counts its failures itself, and a check looks at them.
local failures = 0
local Front = {
  init = function() return "ok", nil end,
  handle_call = function(req, from, s)         -- {page = p}
    otp.spawn(function()
      otp.work(parse_time)
      local ok, page = pcall(otp.gen_server.call, {"pool", "app"}, req, 2000)
      if not ok or page.error then failures = failures + 1 end
      otp.gen_server.reply(from, ok and page or {error = "app"})
    end)
    return "noreply", s
  end,
}

assert(otp.gen_server.start(Db, nil, {name = "db", node = "db"}))
assert(otp.gen_server.start(Pool, workers, {name = "pool", node = "app"}))
assert(otp.gen_server.start(Front, nil, {name = "front", node = "front"}))

-- ---- the load, what is watched, the SLOs ---------------------------------------------------------
sim.load{
  name = "web", node = "front", arrival = sim.poisson(rate), to = duration, timeout = "2s",
  target = "front", key = sim.zipf(1000, 1.0),
  call = function(key) return {page = key} end,
}
sim.watch("db", "db")
sim.watch("pool", "app")
sim.slo{load = "web", p99 = "100ms", error_rate = 0.001, throughput = 0.98 * rate}

local db_peak = 0
local function db_queue()
  local info = otp.process_info(otp.whereis("db", "db"))
  return info and info.message_queue_len or 0
end
sim.every("100ms", function() db_peak = math.max(db_peak, db_queue()) end, {to = duration})
sim.every("5s", function()
  local m = sim.metrics("web")
  print(string.format("t=%3ds  %6d requests  p50 %6.2f ms  p99 %6.2f ms  db cpu %3.0f%%  app cpu %3.0f%%  db mailbox %d",
    sim.now() // 1000, m.count, m.response.p50, m.response.p99,
    100 * sim.node_stats("db").utilization, 100 * sim.node_stats("app").utilization, db_queue()))
end, {to = duration})

sim.run{duration = duration}
local load_end = sim.now()
sim.run{duration = "2s"}   -- let the last requests finish (or time out)

sim.check("the load offered rate x duration requests (Poisson: within 4 standard deviations)", function()
  local m = sim.metrics("web")
  local expected = rate * load_end / 1000
  return math.abs(m.count - expected) <= 4 * math.sqrt(expected),
    string.format("%d requests (%d ok, %d errors, %d timeouts), expected about %d",
      m.count, m.ok, m.errors, m.timeouts, math.floor(expected))
end)
sim.check("the db mailbox stayed short", function()
  return db_peak < 10, string.format("peak %d messages (at most one query per app worker waits there)", db_peak)
end)
sim.check("no request failed behind the front end", function()
  return failures == 0, string.format("%d error pages", failures)
end)
