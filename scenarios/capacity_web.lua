-- capacity_web.lua — capacity planning for a three-tier web service: front-end, workers, database.
--
-- How much traffic does this design carry within its SLO (p99 <= 100 ms, <= 1 % errors), where
-- does it saturate, what limits it, how does it scale with worker nodes, and what does losing a
-- worker node cost? `otpsim report` answers from a sweep of this scenario (docs/reports.md):
--
--   otpsim report scenarios/capacity_web.lua --out report \
--     --sweep rate=500..4000/500 --sweep nodes=1,2,4,8 --seeds 3
--
-- The tiers, in Erlang terms:
--   front   node "front" (2 cores): the gen_server "front" accepts each request (0.05 ms), spawns a
--           handler process for it (cowboy's process per request) and answers when the handler
--           is done. Admission control: with `max_inflight` requests in progress it rejects at
--           once ({error = "overloaded"}, an HTTP 503) instead of queueing without bound.
--   workers nodes "work1".."workN" (`nodes` of them, 2 cores each), each running two worker
--           gen_servers. A request costs a worker `work_ms` of CPU (exponential) and one database
--           query it waits for. A fraction `write_ratio` of requests are writes: the worker then
--           casts a cache invalidation to every other worker node ("cache" there spends
--           `inval_ms` of CPU) — cross-node coherency traffic that grows with N, which is what the
--           Universal Scalability Law's kappa measures.
--   db      node "db" (2 cores): one gen_server "db", `db_ms` per query (exponential): a single
--           process, so it serves at most 1000 / db_ms queries per second whatever the cores — the
--           contention (sigma) of the USL.
-- The handler tries the worker nodes round robin and moves on to the next one when a call fails
-- (a crashed node), at most `nodes` tries.
--
-- Load: Poisson arrivals at `rate` requests per second from the node "lb" (sim.load; response
-- times count from each request's intended send time, so queueing in front of the service is
-- not hidden). Fault: `crash_at` crashes "work1", which restarts `down_for` later ("none" turns
-- it off). Watched: the mailboxes of "front", "db" and work1's "worker1".
--
--   otpsim run scenarios/capacity_web.lua --set rate=1500 --set nodes=4

local rate         = sim.param("rate", 1000)          -- offered requests per second
local nodes        = sim.param("nodes", 2)            -- worker nodes
local duration     = sim.param("duration", "20s")
local work_ms      = sim.param("work_ms", 3)          -- worker CPU per request (mean)
local db_ms        = sim.param("db_ms", 0.25)         -- database CPU per query (mean)
local write_ratio  = sim.param("write_ratio", 0.2)    -- requests that invalidate the other caches
local inval_ms     = sim.param("inval_ms", 0.5)       -- CPU per cache invalidation
local max_inflight = sim.param("max_inflight", 400)   -- front-end admission limit
local crash_at     = sim.param("crash_at", "10s")     -- when work1 crashes ("none": never)
local down_for     = sim.param("down_for", "5s")

assert(nodes >= 1 and nodes == math.floor(nodes), "nodes must be a positive integer")

sim.node("lb", {cores = 4, instr_ns = 0})
sim.node("front", {cores = 2})
sim.node("db", {cores = 2})
local workers = {}
for i = 1, nodes do workers[i] = "work" .. i end

-- the database: one process, one query at a time
sim.spawn("db", function()
  otp.gen_server.start({
    init = function() return "ok", 0 end,
    handle_call = function(q, from, n)
      otp.work(sim.exp(db_ms))
      return "reply", "row", n + 1
    end,
  }, nil, {name = "db"})
end)

-- a worker node: a cache that takes invalidations, two workers
local function worker_boot(self)
  otp.gen_server.start({
    init = function() return "ok", 0 end,
    handle_cast = function(key, n) otp.work(inval_ms); return "noreply", n + 1 end,
  }, nil, {name = "cache"})
  for w = 1, 2 do
    otp.gen_server.start({
      init = function() return "ok", nil end,
      handle_call = function(req, from, s)
        otp.work(sim.exp(work_ms))
        otp.gen_server.call({"db", "db"}, req.key)
        if req.write then
          for _, other in ipairs(workers) do
            if other ~= self then otp.gen_server.cast({"cache", other}, req.key) end
          end
        end
        return "reply", "ok", s
      end,
    }, nil, {name = "worker" .. w})
  end
end
for _, name in ipairs(workers) do
  sim.node(name, {cores = 2, boot = function() worker_boot(name) end})
end

-- the front-end: admission control, a handler process per request
local next_worker = 0
sim.spawn("front", function()
  otp.gen_server.start({
    init = function() return "ok", {inflight = 0} end,
    handle_call = function(req, from, s)
      otp.work(0.05)
      if s.inflight >= max_inflight then return "reply", {error = "overloaded"}, s end
      s.inflight = s.inflight + 1
      next_worker = next_worker + 1
      local first, front = next_worker, otp.self()
      otp.spawn(function()
        local result = {error = "no worker"}
        for try = 0, nodes - 1 do
          local node = workers[(first + try) % nodes + 1]
          local ok = pcall(otp.gen_server.call, {"worker" .. (first // nodes % 2 + 1), node}, req, 2000)
          if ok then result = "ok"; break end
        end
        otp.gen_server.reply(from, result)
        otp.gen_server.cast(front, "done")
      end)
      return "noreply", s
    end,
    handle_cast = function(msg, s) s.inflight = s.inflight - 1; return "noreply", s end,
  }, nil, {name = "front"})
end)

sim.watch("front", "front")
sim.watch("db", "db")
sim.watch("worker1", "work1")

sim.load {
  name = "api", node = "lb", arrival = sim.poisson(rate), to = duration, key = sim.uniform_key(100000),
  request = function(ctx)
    local r = otp.gen_server.call({"front", "front"}, {key = ctx.key, write = ctx.n % 5 < write_ratio * 5}, 5000)
    return r == "ok"
  end,
}
sim.slo {load = "api", p99 = "100ms", error_rate = 0.01}

if crash_at ~= "none" then
  sim.at(crash_at, function() sim.crash("work1", {restart_after = down_for}) end)
end

sim.run {duration = duration}
