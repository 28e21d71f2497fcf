-- overload_unbounded.lua — what happens without back-pressure: an unbounded mailbox kills its node.
--
-- The book's lesson (Cesarini & Vinoski, "Designing for Scalability with Erlang/OTP", ch. 15,
-- "Load Regulation and Backpressure"): a process's mailbox has no limit, and sending never
-- blocks, so when requests arrive faster than a server handles them nothing stops the producer.
-- The mailbox grows without bound, every queued request holds its memory, latency grows with the
-- queue, and finally the BEAM cannot allocate and the whole node dies — taking every other
-- process on it along. Restarting it (heart) does not help: the load is still there.
--
-- "store" is a gen_server on node "app" (1 core, 32 MB of memory). Each request is a cast
-- carrying a 4 KB payload and costs it 2 ms of CPU: it serves at most 500 requests/s. A
-- producer on node "clients" casts 1000 requests/s (Poisson arrivals) to {"store", "app"} — it
-- never waits, so the mailbox grows by about 500 requests (2 MB) per second, each request waits
-- longer than the one before (seconds, soon), and "app" runs out of memory after about 16 s (a
-- node_down event "out of memory: ... largest mailbox: ..."). "clients"
-- sees {nodedown, "app", reason = "connection_closed"}. heart restarts "app" 5 s later; the
-- producer's next cast sets up a new connection, and the new "store" drowns the same way.
--
-- The checks pass when the failure happened: they assert the node died of its mailbox, more than
-- once, after its memory had climbed to the limit; that requests waited for seconds before it
-- did; and that the requests queued at each crash (and those sent while it was down) were lost.
-- scenarios/overload_bounded.lua is the same load against a design that survives it.
--
--   otpsim run scenarios/overload_unbounded.lua --set rate=600 --set duration=3m   # slower, same end

local rate       = sim.param("rate", 1000)        -- requests per second (Poisson)
local service_ms = sim.param("service_ms", 2)     -- CPU per request: capacity 1000 / service_ms
local payload    = sim.param("payload", 4096)     -- bytes per request
local memory_mb  = sim.param("memory_mb", 32)     -- the app node's memory
local duration   = sim.param("duration", "45s")

local served, max_wait = 0, 0                 -- requests "store" finished (all incarnations)

sim.node("app", {cores = 1, memory = memory_mb * 1048576, heart = "5s", boot = function()
  local store = {
    init = function() return "ok", nil end,
    handle_cast = function(req, s)
      max_wait = math.max(max_wait, otp.now() - req.t)   -- time spent queued in the mailbox
      otp.work(service_ms)                    -- the request's work: the bottleneck
      served = served + 1
      return "noreply", s
    end,
  }
  assert(otp.gen_server.start(store, nil, {name = "store"}))
end})
sim.node("clients", {cores = 2})

-- The producer: fire and forget, at Poisson arrival times. Nothing tells it to slow down.
local sent = 0
sim.spawn("clients", function()
  local body = string.rep("x", payload)
  while true do
    otp.sleep(-1000 / rate * math.log(1 - math.random()))
    sent = sent + 1
    otp.gen_server.cast({"store", "app"}, {n = sent, t = otp.now(), body = body})
  end
end)

-- A watcher on "clients" records how the rest of the cluster sees "app" go.
local nodedowns = {}
sim.spawn("clients", function()
  otp.monitor_nodes(true)
  while true do
    local m = otp.receive()
    if m.tag == "nodedown" then nodedowns[#nodedowns + 1] = m.reason end
  end
end)

-- The node's memory, sampled every 250 ms (its peak), and a status line every second.
local peak_mb = 0
local function store_queue()
  local pid = otp.whereis("store", "app")
  local info = pid and otp.process_info(pid)
  return info and info.message_queue_len or 0
end
sim.every("250ms", function()
  local st = sim.node_stats("app")
  peak_mb = math.max(peak_mb, st.memory / 1048576)
end, {to = duration})
sim.every("1s", function()
  local st = sim.node_stats("app")
  print(string.format("t=%2ds  app %-4s  store mailbox %5d  memory %5.1f MB  crashes %d",
    sim.now() // 1000, st.up and "up" or "DOWN", store_queue(), st.memory / 1048576, st.crashes))
end, {to = duration})

sim.run{duration = duration}

sim.check("app ran out of memory (the unbounded mailbox killed it)", function()
  local c = sim.node_stats("app").crashes
  return c >= 1, string.format("%d out-of-memory crashes", c)
end)
sim.check("restarting did not help: it died again", function()
  local c = sim.node_stats("app").crashes
  return c >= 2, string.format("%d crashes in %s", c, duration)
end)
sim.check("its memory had climbed to the limit first", function()
  return peak_mb > 0.9 * memory_mb, string.format("peak %.1f MB sampled (limit %d MB)", peak_mb, memory_mb)
end)
sim.check("requests waited for seconds in the mailbox", function()
  return max_wait > 5000, string.format("longest wait %.1f s", max_wait / 1000)
end)
sim.check("requests were lost: those queued at each crash, and those sent while it was down", function()
  local lost = sent - served - store_queue()
  return lost > 0.1 * sent, string.format("%d sent, %d served, %d lost (%.0f%%)", sent, served, lost,
                                          100 * lost / sent)
end)
sim.check("clients saw the node go: nodedown connection_closed", function()
  return #nodedowns >= 1 and nodedowns[1] == "connection_closed",
         string.format("%d nodedown(s), first reason %s", #nodedowns, tostring(nodedowns[1]))
end)
