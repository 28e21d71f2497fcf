-- usl.lua — a system that follows the Universal Scalability Law exactly, for the report's tests
-- (tests/report/test_report.c). One user runs fork-join jobs back to back (a closed loop without
-- think time). A job is `work_ms` of CPU: the coordinator does the serial part sigma * W, then n
-- workers do (1 - sigma) * W / n each in parallel on their own cores, then the coordinator spends
-- kappa * W on each of their replies but the first (crosstalk). So a job takes
--   T(n) = W (sigma + (1 - sigma) / n + kappa (n - 1))
-- and the throughput X(n) = 1 / T(n) = gamma n / (1 + sigma (n - 1) + kappa n (n - 1)) with
-- gamma = 1 / W: the USL with alpha = sigma, beta = kappa. instr_ns = 0 and a quantum no job
-- reaches make the CPU model exact.
local n        = sim.param("n", 1)
local sigma    = sim.param("sigma", 0.05)
local kappa    = sim.param("kappa", 0.002)
local W        = sim.param("work_ms", 10)
local duration = sim.param("duration", "20s")
sim.node("cpu", {cores = n + 1, instr_ns = 0, quantum = "100000s"})
sim.load {name = "jobs", node = "cpu", users = 1, think = 0, to = duration, timeout = "infinity",
  request = function()
    otp.work(sigma * W)
    local me = otp.self()
    for _ = 1, n do
      otp.spawn(function() otp.work((1 - sigma) * W / n); otp.send(me, "done") end)
    end
    for i = 1, n do
      otp.receive()
      if i > 1 then otp.work(kappa * W) end
    end
  end}
sim.run {duration = duration}
