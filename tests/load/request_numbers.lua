-- Regression: every request has its own number, ctx.n (and n in call = function(key, n)), from 1
-- in arrival order (docs/load.md). It used to be the number of requests made so far, read when
-- the request was dispatched, so requests that waited in a concurrency-limited load's backlog
-- shared the latest arrival's number (99 requests, 35 distinct numbers, 64 duplicates below).
sim.node("srv", { cores = 1, instr_ns = 0, quantum = "100000s" })
local seen, dups, order_ok, last = {}, 0, true, 0
sim.load { name = "c1", node = "srv", arrival = sim.constant(1000), concurrency = 1, to = 100,
           request = function(ctx)
             if seen[ctx.n] then dups = dups + 1 end
             seen[ctx.n] = true
             if ctx.n ~= last + 1 then order_ok = false end -- one client: sent in arrival order
             last = ctx.n
             otp.work(3)
           end }
sim.run { duration = 1000 }
sim.check("every request has its own number ctx.n, 1..N in arrival order", function()
  local n = sim.metrics("c1").count
  local distinct = 0
  for _ in pairs(seen) do distinct = distinct + 1 end
  return n == 99 and dups == 0 and distinct == n and order_ok,
    string.format("%d requests, %d distinct numbers, %d duplicates, in order: %s", n, distinct, dups, tostring(order_ok))
end)
