-- overload_bounded.lua — the same overload as overload_unbounded.lua, against designs with
-- back-pressure: the node stays up, memory stays flat, and the server works at full capacity.
--
-- The book's lesson (Cesarini & Vinoski, "Designing for Scalability with Erlang/OTP", ch. 15,
-- "Load Regulation and Backpressure"): when demand exceeds capacity, something has to give. If
-- you do not decide what, the node's memory decides for you (overload_unbounded.lua). Decide
-- instead: bound the work in progress, and reject or shed what does not fit — early, cheaply,
-- and visibly — so that the requests you do accept are served at full speed with a bounded wait.
--
-- Same load as overload_unbounded.lua: "store", a gen_server on "app" (1 core, 32 MB), spends
-- 2 ms of CPU per 4 KB request (capacity 500/s); a producer on "clients" offers 1000 requests/s
-- (Poisson). Two bounded designs, chosen with --set design=...:
--
--   credit (default)  Back-pressure at the edge. The producer holds `window` credits; a request
--                     needs one to be sent, and "store" hands it back with a {tag = "done"} when
--                     the work is finished. With no credit left the producer rejects the request
--                     at once (the caller would get "overloaded" and retry later), so at most
--                     `window` requests are ever queued or in flight: nothing excess crosses the
--                     network or reaches the server's mailbox. (The pattern behind jobs' counters
--                     and sbroker's pools; a gen_server.call with a timeout from a bounded pool
--                     of callers is the synchronous form of the same idea.)
--   shed              Load shedding at the server. The producer still fires and forgets, but
--                     "store" looks at its own backlog (otp.process_info(otp.self())
--                     .message_queue_len) and drops a request without doing its work while more
--                     than `max_queue` are waiting. Dropping costs almost nothing, so the mailbox
--                     hovers at `max_queue`. Cheaper to retrofit, but the rejected requests still
--                     travel and are read; the producer is not told.
--
-- Checks: "app" never crashed; its memory stayed a small fraction of the limit; the queueing
-- delay stayed bounded; "store" still served close to its capacity; the excess was rejected or
-- shed, not lost in a crash.
--
--   otpsim run scenarios/overload_bounded.lua --set design=shed --set max_queue=200

local rate       = sim.param("rate", 1000)        -- requests per second (Poisson)
local service_ms = sim.param("service_ms", 2)     -- CPU per request: capacity 1000 / service_ms
local payload    = sim.param("payload", 4096)     -- bytes per request
local memory_mb  = sim.param("memory_mb", 32)     -- the app node's memory
local duration   = sim.param("duration", "45s")
local design     = sim.param("design", "credit")  -- "credit" or "shed"
local window     = sim.param("window", 50)        -- credit: requests in flight at most
local max_queue  = sim.param("max_queue", 50)     -- shed: backlog above which requests are dropped

assert(design == "credit" or design == "shed", "design must be \"credit\" or \"shed\"")

local served, shed, max_wait = 0, 0, 0          -- counted by "store" (one process)

sim.node("app", {cores = 1, memory = memory_mb * 1048576, heart = "5s", boot = function()
  local store = {
    init = function() return "ok", nil end,
    handle_cast = function(req, s)
      if design == "shed" and otp.process_info(otp.self()).message_queue_len > max_queue then
        shed = shed + 1                       -- too much waiting: drop it, do no work
        return "noreply", s
      end
      max_wait = math.max(max_wait, otp.now() - req.t)
      otp.work(service_ms)
      served = served + 1
      if req.from then otp.send(req.from, {tag = "done"}) end   -- the credit goes back
      return "noreply", s
    end,
  }
  assert(otp.gen_server.start(store, nil, {name = "store"}))
end})
sim.node("clients", {cores = 2})

-- The producer: the same Poisson arrivals as in overload_unbounded.lua.
local offered, rejected = 0, 0
sim.spawn("clients", function()
  local body = string.rep("x", payload)
  local credits = window
  while true do
    otp.sleep(-1000 / rate * math.log(1 - math.random()))
    offered = offered + 1
    if design == "credit" then
      while otp.receive({tag = "done"}, 0) do credits = credits + 1 end   -- collect returned credits
      if credits > 0 then
        credits = credits - 1
        otp.gen_server.cast({"store", "app"}, {n = offered, t = otp.now(), body = body, from = otp.self()})
      else
        rejected = rejected + 1               -- no credit: refuse at the edge, at once
      end
    else
      otp.gen_server.cast({"store", "app"}, {n = offered, t = otp.now(), body = body})
    end
  end
end)

local peak_mb, peak_queue = 0, 0
local function store_queue()
  local pid = otp.whereis("store", "app")
  local info = pid and otp.process_info(pid)
  return info and info.message_queue_len or 0
end
sim.every("250ms", function()
  peak_mb = math.max(peak_mb, sim.node_stats("app").memory / 1048576)
  peak_queue = math.max(peak_queue, store_queue())
end, {to = duration})
sim.every("5s", function()
  local st = sim.node_stats("app")
  print(string.format("t=%2ds  app %-4s  store mailbox %4d  memory %4.2f MB  served %5d  rejected %5d  shed %5d",
    sim.now() // 1000, st.up and "up" or "DOWN", store_queue(), st.memory / 1048576, served, rejected, shed))
end, {to = duration})

sim.run{duration = duration}

local seconds = sim.now() / 1000
local capacity = 1000 / service_ms * seconds
sim.check("app stayed up: no out-of-memory crash", function()
  local st = sim.node_stats("app")
  return st.up and st.crashes == 0, string.format("up = %s, crashes = %d", tostring(st.up), st.crashes)
end)
sim.check("memory stayed bounded (under 10% of the limit)", function()
  return peak_mb < 0.1 * memory_mb,
         string.format("peak %.2f MB of %d MB; store mailbox peaked at %d", peak_mb, memory_mb, peak_queue)
end)
sim.check("queueing delay stayed bounded", function()
  local bound = (design == "credit" and window or max_queue + 1) * service_ms * 1.5
  return max_wait <= bound, string.format("longest wait %.1f ms (bound %.0f ms)", max_wait, bound)
end)
sim.check("store still served near its capacity", function()
  return served >= 0.9 * capacity, string.format("%d served, capacity %d", served, capacity)
end)
sim.check("the excess was refused, not lost in a crash", function()
  local refused = rejected + shed
  local in_flight = offered - served - refused
  return refused > 0 and in_flight >= 0 and in_flight <= 2 * math.max(window, max_queue),
         string.format("%d offered = %d served + %d rejected + %d shed + %d still queued",
                       offered, served, rejected, shed, in_flight)
end)
