-- M/G/1 with lognormal service, Pollaczek–Khinchine (capacity-validation.md §4.5): a lognormal
-- with E[S] = 1 ms and Cs² = 2 (σ² = ln 3, median 3^(-1/2) = 0.57735 ms, E[S²] = 3), λ = 0.8 per
-- ms (ρ = 0.8): Wq = λE[S²]/(2(1−ρ)) = 6.0, W = 7.0, Lq = 4.8, L = 5.6 — the same moments, and so
-- the same means, as §4.5's two-phase hyper-exponential example (Wq = 6.0, W = 7, L = 5.6).
local Q = require("lib.queueing")
local lambda = 0.8
local Z99 = 2.3263478740408408 -- sim.lognormal's standard-normal 99th percentile
local sigma = math.sqrt(math.log(3))
local median = math.exp(-sigma * sigma / 2)
local service = sim.lognormal(median, median * math.exp(Z99 * sigma))
local th = Q.mg1(lambda, 1, 3)
Q.check_close("lognormal service has mean 1 ms", 1, function() return service:mean() end, 1e-9, " ms")
for _, v in ipairs { { "Wq", th.Wq, 6.0 }, { "W", th.W, 7.0 }, { "L", th.L, 5.6 } } do
  Q.check_close("M/G/1 Cs2=2 formula reproduces the published " .. v[1], v[3], function() return v[2] end, 1e-9)
end
local st = Q.station {
  node = "mln1", cores = 1, rate = lambda * 1000, service = service,
  warmup = 10000, batch = 24000, batches = 25, sample = 4.99,
}
Q.station_checks(st, th, "M/LN/1 Cs2=2 rho=0.8")
sim.run { duration = st.tend }
