-- M/G/1 with uniform service, Pollaczek–Khinchine (capacity-validation.md §4.5): S ~ U[0, 2] ms
-- (E[S] = 1, E[S²] = 4/3, Cs² = 1/3), λ = 0.8 per ms (ρ = 0.8): Wq = λE[S²]/(2(1−ρ)) = 2.667,
-- W = 3.667, Lq = 2.133, L = 2.933.
local Q = require("lib.queueing")
local lambda = 0.8
local th = Q.mg1(lambda, 1, 4 / 3)
Q.check_close("M/U/1 formula reproduces the published Wq", 2.667, function() return th.Wq end, 0.0005)
local st = Q.station {
  node = "mu1", cores = 1, rate = lambda * 1000, service = sim.uniform(0, 2),
  warmup = 5000, batch = 12000, batches = 25, sample = 4.99,
}
Q.station_checks(st, th, "M/U(0,2)/1 rho=0.8")
sim.run { duration = st.tend }
