-- A closed network from the published tables: the machine-repairman model of
-- capacity-validation.md §6.3 — N users with exponential think time Z = 1 ms in front of one
-- FCFS server with exponential service S = 0.5 ms. Published (exact MVA): X(1..3) = 0.6667,
-- 1.2, 1.5789 per ms; R(1..3) = 0.5, 0.6667, 0.9 ms (X(∞) → 2). Three independent copies, one per
-- population, each a 1-core node driven by a closed-loop sim.load{users = N, think = sim.exp(1)}.
-- Per population: R and X in their batch-means CI, and the station's queue Q = X·R (sampled:
-- requests on the node) and utilisation U = X·S in theirs.
local Q = require("lib.queueing")
local S, Z = 0.5, 1.0
local mva = Q.mva({ S }, { 1 }, Z, 3)
local pubX, pubR = { 0.6667, 1.2, 1.5789 }, { 0.5, 0.6667, 0.9 }
local st = {}
for n = 1, 3 do
  Q.check_close("MVA reproduces the published X(" .. n .. ")", pubX[n], function() return mva[n].X end, 0.00005, "/ms")
  Q.check_close("MVA reproduces the published R(" .. n .. ")", pubR[n], function() return mva[n].R end, 0.00005, " ms")
  st[n] = Q.station {
    node = "repair" .. n, cores = 1, users = n, think = sim.exp(Z), service = sim.exp(S),
    warmup = 2000, batch = 4000, batches = 25, sample = 0.499,
  }
end
for n = 1, 3 do
  local what = "closed N=" .. n
  Q.check_ci(what .. ": response time R", mva[n].R, st[n].values("W"), " ms")
  Q.check_ci(what .. ": throughput X", mva[n].X, st[n].values("X"), "/ms")
  Q.check_ci(what .. ": queue at the server Q, sampled", mva[n].Q[1], st[n].values("L"))
  Q.check_ci(what .. ": Q by Little's law, X x R", mva[n].Q[1], st[n].values("Little"))
  Q.check_ci(what .. ": utilisation U = X S", mva[n].U[1], st[n].values("U"))
end
sim.run { duration = st[1].tend }
