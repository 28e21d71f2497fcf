-- Regression: a Lua request (sim.load{request = fn}) finishes when it completes in virtual time.
-- A process runs its Lua code at the start of its slice in event time (otp.work only adds to the
-- slice's CPU), so the request function returns up to a whole slice before the request completes.
-- The generator used to finish the request right then — stats recorded, in-flight count
-- decremented, the next request dispatched — so that (1) concurrency = 1 let a second request
-- run while the first was still running (410 of 771 below overlapped on a 4-core node), and
-- (2) sim.metrics read during the run (and the --metrics time series) counted requests that had
-- not completed yet (count 1 at 1.5 s for a request completing at 2 s). Both checks failed then.
sim.node("srv", { cores = 4, instr_ns = 0, quantum = "100000s" })
local spans = {}
sim.load { name = "c1", node = "srv", arrival = sim.poisson(80), concurrency = 1, to = 10000,
           request = function()
             local s = otp.now()
             otp.work(10)
             spans[#spans + 1] = { s, otp.now() }
           end }
sim.check("concurrency = 1: no request starts before the previous one completed", function()
  table.sort(spans, function(a, b) return a[1] < b[1] end)
  local overlaps = 0
  for i = 2, #spans do if spans[i][1] < spans[i - 1][2] then overlaps = overlaps + 1 end end
  return overlaps == 0 and #spans > 700,
    string.format("%d of %d requests started while the previous one was still running", overlaps, #spans)
end)

-- One request arriving at 1 s that takes 1 s of CPU: not complete at 1.5 s, complete at 2 s.
sim.node("one", { cores = 1, instr_ns = 0, quantum = "100000s" })
sim.load { name = "one", node = "one", arrival = sim.constant(1), to = 1500, request = function() otp.work(1000) end }
local at_half, at_two
sim.at(1500, function() at_half = sim.metrics("one").count end)
sim.at(2000.001, function() at_two = sim.metrics("one") end)
sim.check("sim.metrics during the run counts only completed requests", function()
  return at_half == 0 and at_two.count == 1 and at_two.response.max == 1000,
    string.format("count %d at 1.5 s, %d at 2 s (response %.3f ms) for a request that completes at 2 s", at_half,
      at_two.count, at_two.response.max)
end)
sim.run { duration = 11000 }
