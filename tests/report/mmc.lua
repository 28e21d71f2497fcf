-- mmc.lua — an M/M/c queue for the report's tests (tests/report/test_report.c): a node with `c`
-- cores (the servers, FCFS: instr_ns = 0 so Lua costs nothing, and a quantum no service time
-- reaches, so a started request is never preempted), Poisson arrivals at `rate` per second, each
-- request a process doing Exp(`service_ms`) of CPU. Erlang C gives its response-time quantiles
-- (capacity-validation.md §4.3), so the load at which p99 crosses the SLO is known exactly, and
-- the throughput saturates at c / service_ms — the knee.
local rate       = sim.param("rate", 3000)
local c          = sim.param("c", 4)
local service_ms = sim.param("service_ms", 1)
local slo_p99    = sim.param("slo_p99", "8ms")
local duration   = sim.param("duration", "20s")
sim.node("srv", {cores = c, instr_ns = 0, quantum = "100000s"})
sim.load {name = "api", node = "srv", arrival = sim.poisson(rate), to = duration, timeout = "infinity",
          request = function() otp.work(sim.exp(service_ms)) end}
sim.slo {load = "api", p99 = slo_p99}
sim.run {duration = duration}
