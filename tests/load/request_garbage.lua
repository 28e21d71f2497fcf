-- Regression: the garbage of short Lua requests is collected. The deterministic collector ran
-- only from the instruction-count hooks (every 1000 instructions of scenario code, every 200 of
-- one process), and a load whose requests are short creates a process (~2 KB: a coroutine and its
-- tables) per request without any thread reaching a hook: nothing was collected and the heap grew
-- until "memory limit exceeded" (512 MB after ~27 s at 10 000 requests per second). Here 200 000
-- trivial requests must leave a small heap.
sim.node("srv", { cores = 1, instr_ns = 0 })
sim.load { name = "s", node = "srv", arrival = sim.poisson(10000), to = "20s", request = function() end }
sim.run { duration = "20s" }
sim.check("200 000 trivial requests run in a bounded heap", function()
  local kb = collectgarbage("count")
  return sim.metrics("s").count > 190000 and kb < 64 * 1024,
    string.format("%.0f KB of Lua objects after %d requests", kb, sim.metrics("s").count)
end)
