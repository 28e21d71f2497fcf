-- crash_storm.lua — a supervision tree under a crash storm, for docs/viz.md's screenshot (and a
-- larger tree than partition_restart.lua). Node "app": a top supervisor over four group
-- supervisors of 12 workers each, every worker registered; from 1 s to 5 s a worker picked at
-- random is killed every 15 ms, and at 3 s a whole group supervisor is killed (its group
-- restarts with it). Node "edge" calls the workers through a load, so traffic crosses the link.
local groups, per_group = 4, 12
sim.node("app", {cores = 4})
sim.node("edge", {cores = 2})

local Worker = {
  init = function() return "ok", 0 end,
  handle_call = function(req, from, n) otp.work(0.3); return "reply", n, n + 1 end,
}
sim.spawn("app", function()
  local gs = {}
  for g = 1, groups do
    local kids = {}
    for i = 1, per_group do
      local name = "w" .. g .. "_" .. i
      kids[i] = {id = name, start = function() return otp.gen_server.start_link(Worker, nil, {name = name}) end}
    end
    gs[g] = {id = "group" .. g, type = "supervisor",
             start = function()
               return otp.supervisor.start_link({strategy = "one_for_one", intensity = 1000, period = 1}, kids,
                                                {name = "group" .. g})
             end}
  end
  assert(otp.supervisor.start_link({strategy = "one_for_one", intensity = 100, period = 1}, gs, {name = "top"}))
  otp.receive()
end)
sim.load{name = "calls", node = "edge", arrival = sim.poisson(300), target = {"w1_1", "app"}, call = "get", to = "6s"}
sim.every("15ms", function()
  sim.kill("w" .. math.random(groups) .. "_" .. math.random(per_group))
end, {start = "1s", to = "5s"})
sim.at("3s", function() sim.kill("group2") end)
sim.run{duration = "6s"}
