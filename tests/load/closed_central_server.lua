-- A closed queueing network from the published tables: Jain, The Art of Computer Systems
-- Performance Analysis, Example 34.2 (capacity-validation.md §6.1), a timesharing system solved
-- by exact MVA. CPU, disk A and disk B with service times S = [0.125, 0.3, 0.2] and visit ratios
-- V = [16, 10, 5] (demands D = [2, 3, 1]), think time Z = 4; time unit ms instead of s.
-- Published at N = 20: X = 0.3332, R = 56.0156, Q = [1.9906, 16.1767, 0.4997],
-- U = [0.6665, 0.9997, 0.3332]; at N = 5: X = 0.2898, R = 13.2561, Q = [1.0882, 2.3650, 0.3878].
--
-- The model (the central-server model, for which MVA is exact): three 1-core nodes, exponential
-- service per visit, FCFS everywhere (instr_ns = 0, a quantum no service reaches). A job is one
-- request of a closed-loop sim.load (users = N, think = Exp(4)) running on the CPU node: a CPU
-- burst, then with probability 1/16 it is done, 10/16 it visits disk A, 5/16 disk B (a process
-- spawned there does the disk's work and answers), and back to the CPU run queue. The network has
-- zero latency, so moving between stations costs nothing. Geometric CPU visits of mean 16 give
-- exactly the visit ratios V.
-- Per population: X and R, and per station the visits per job, the residence time per visit
-- (published at N = 20: [0.373, 4.854, 0.300]), the jobs there by Little's law from exact
-- timestamps, the jobs waiting (the node's run queue, sampled) and the utilisation, each in its
-- 95 % batch-means CI. (Jobs at a disk are not counted with sim.node_stats().processes: a process
-- spawned on another node exists there, as an embryo, from the moment its parent's slice began,
-- i.e. a whole CPU burst before it arrives — see otp.spawn; the run queue has no such offset.)
local Q = require("lib.queueing")
sim.net { latency = 0 }
local S, V, Z = { 0.125, 0.3, 0.2 }, { 16, 10, 5 }, 4
local W0, Tb, B = 2000, 4000, 25
local tend = W0 + B * Tb
local published = {
  [5] = { X = 0.2898, R = 13.2561, Q = { 1.0882, 2.3650, 0.3878 }, U = { 0.5795, 0.8693, 0.2898 } },
  [20] = { X = 0.3332, R = 56.0156, Q = { 1.9906, 16.1767, 0.4997 }, U = { 0.6665, 0.9997, 0.3332 } },
}
local route = sim.uniform(0, 16)

-- One copy of the network with population N, on its own three nodes, with its checks.
local function network(N)
  local nodes = { "cpu" .. N, "diskA" .. N, "diskB" .. N }
  for k = 1, 3 do sim.node(nodes[k], { cores = 1, instr_ns = 0, quantum = "100000s" }) end
  local svc = { sim.exp(S[1]), sim.exp(S[2]), sim.exp(S[3]) }
  -- per window: jobs done, their response times; per station visits done and their residence
  -- times (arrival at the station to the end of its service, exact timestamps); run-queue samples
  local win = {}
  for b = 1, B do win[b] = { n = 0, sumR = 0, visits = { 0, 0, 0 }, res = { 0, 0, 0 }, samples = 0, rq = { 0, 0, 0 } } end
  local function window(t)
    if t < W0 then return nil end
    return win[math.floor((t - W0) / Tb) + 1]
  end
  local function visit_done(k, arrived, d)
    local w = window(d)
    if w then
      w.visits[k] = w.visits[k] + 1
      w.res[k] = w.res[k] + (d - arrived)
    end
  end
  local function disk_visit(parent, k)
    local arrived = otp.process_info().start_time -- the spawn's time: the CPU burst's end
    otp.work(svc[k])
    local d = otp.now()
    visit_done(k, arrived, d)
    otp.send(parent, d)
  end
  sim.load {
    name = "jobs" .. N, node = nodes[1], users = N, think = sim.exp(Z), to = tend,
    request = function()
      local a = otp.process_info().start_time
      local me = otp.self()
      local arrived = a -- at the CPU
      while true do
        otp.work(svc[1])
        visit_done(1, arrived, otp.now())
        local u = route:sample()
        if u < 1 then break end
        local k = u < 11 and 2 or 3
        otp.spawn(nodes[k], disk_visit, me, k)
        arrived = otp.receive() -- back at the CPU when the disk finished (zero latency)
      end
      local d = otp.now()
      local w = window(d)
      if w then
        w.n = w.n + 1
        w.sumR = w.sumR + (d - a)
      end
    end,
  }
  -- Jobs waiting at each station, sampled from the nodes' run queues.
  sim.every(1.99, function()
    local w = window(sim.now())
    if not w then return end
    w.samples = w.samples + 1
    for k = 1, 3 do w.rq[k] = w.rq[k] + sim.node_stats(nodes[k]).run_queue end
  end, { to = tend })
  local busy = {}
  for b = 0, B do
    sim.at(W0 + b * Tb, function()
      busy[b] = {}
      for k = 1, 3 do busy[b][k] = sim.node_stats(nodes[k]).busy_ms end
    end)
  end
  local function values(f)
    return function()
      local xs = {}
      for b = 1, B do xs[b] = f(win[b], b) end
      return xs
    end
  end
  local mva = Q.mva(S, V, Z, N)[N]
  local pub = published[N]
  local what = "Jain 34.2 N=" .. N
  Q.check_close(what .. ": MVA reproduces the published X", pub.X, function() return mva.X end, 0.00005, "/ms")
  Q.check_close(what .. ": MVA reproduces the published R", pub.R, function() return mva.R end, 0.00005, " ms")
  Q.check_ci(what .. ": throughput X", mva.X, values(function(w) return w.n / Tb end), "/ms")
  Q.check_ci(what .. ": response time R", mva.R, values(function(w) return w.sumR / w.n end), " ms")
  local names = { "CPU", "disk A", "disk B" }
  for k = 1, 3 do
    local at = " at " .. names[k]
    Q.check_close(what .. ": MVA reproduces the published Q" .. at, pub.Q[k], function() return mva.Q[k] end, 0.00005)
    Q.check_close(what .. ": MVA reproduces the published U" .. at, pub.U[k], function() return mva.U[k] end, 0.00005)
    Q.check_ci(what .. ": visits per job" .. at, V[k], values(function(w) return w.visits[k] / w.n end))
    Q.check_ci(what .. ": residence time per visit" .. at, mva.Rk[k], values(function(w) return w.res[k] / w.visits[k] end), " ms")
    Q.check_ci(what .. ": jobs" .. at .. " by Little's law (residence time / window)", mva.Q[k],
      values(function(w) return w.res[k] / Tb end))
    Q.check_ci(what .. ": jobs waiting" .. at .. ", sampled run queue (Q - U)", mva.Q[k] - mva.U[k],
      values(function(w) return w.rq[k] / w.samples end))
    Q.check_ci(what .. ": utilisation" .. at, mva.U[k], values(function(_, b) return (busy[b][k] - busy[b - 1][k]) / Tb end))
  end
end

network(5)
network(20)
sim.run { duration = tend }
