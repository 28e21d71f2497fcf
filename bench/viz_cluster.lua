-- viz_cluster.lua — the scenario behind bench_viz: `procs` processes in supervision trees on four
-- nodes (per node: a top supervisor, ten group supervisors, workers under them), a gen_server
-- "echo" on every node, and a load calling echo on n2 from n1 at `rate` calls per second (two
-- messages per call crossing the network). The live view must keep drawing while all of it runs.
local procs = sim.param("procs", 10000)
local rate = sim.param("rate", 50000)
local duration = sim.param("duration_ms", 2000)
local nodes = {"n1", "n2", "n3", "n4"}
for _, n in ipairs(nodes) do sim.node(n, {cores = 8, instr_ns = 1}) end

local Echo = {
  init = function() return "ok", 0 end,
  handle_call = function(req, from, n) return "reply", req, n + 1 end,
}
local function worker() return otp.spawn_link(function() otp.receive() end) end
local per_group = math.max(1, (procs // #nodes - 12) // 10)
for _, n in ipairs(nodes) do
  sim.spawn(n, function()
    otp.gen_server.start(Echo, nil, {name = "echo"})
    local groups = {}
    for g = 1, 10 do
      local kids = {}
      for k = 1, per_group do kids[k] = {id = "w" .. k, start = worker, shutdown = "brutal_kill"} end
      groups[g] = {id = "group" .. g, type = "supervisor",
                   start = function() return otp.supervisor.start_link({intensity = 100, period = 1}, kids) end}
    end
    assert(otp.supervisor.start_link({intensity = 100, period = 1}, groups, {name = "top"}))
    otp.receive()
  end)
end
sim.load{name = "echo", node = "n1", arrival = sim.poisson(rate), target = {"echo", "n2"}, call = "ping",
         from = "100ms", to = duration .. "ms"}
sim.run{duration = duration .. "ms"}
