-- partition_restart.lua — the live view's test scenario: three nodes, a supervision tree on
-- "a" whose worker w2 is killed at 1 s and restarted, a partition {a, b} | {c} from 1.5 s to
-- 3 s, and traffic between the nodes (a load from c calling the gen_server kv on b, and
-- workers on a casting to kv). Frames at 2 s show the cut link a-c and b-c, the restarted w2
-- with its restart badge, and every node box.
sim.node("a", {cores = 2})
sim.node("b", {cores = 2})
sim.node("c", {cores = 1})

local KV = {
  init = function() return "ok", 0 end,
  handle_call = function(req, from, n) otp.work(0.5); return "reply", n, n + 1 end,
  handle_cast = function(msg, n) return "noreply", n + 1 end,
}
local Worker = {
  init = function(id) otp.send_after(50, otp.self(), "tick"); return "ok", id end,
  handle_info = function(msg, id)
    otp.gen_server.cast({"kv", "b"}, {"from", id})
    otp.send_after(50, otp.self(), "tick")
    return "noreply", id
  end,
}

sim.spawn("b", function()
  otp.gen_server.start(KV, nil, {name = "kv"})
end)
sim.spawn("a", function()
  local specs = {}
  for i = 1, 3 do
    specs[i] = {id = "w" .. i, start = function() return otp.gen_server.start_link(Worker, i, {name = "w" .. i}) end}
  end
  assert(otp.supervisor.start_link({strategy = "one_for_one", intensity = 5, period = 10}, specs, {name = "top"}))
  otp.receive()
end)
sim.load{name = "api", node = "c", arrival = sim.poisson(50), target = {"kv", "b"}, call = "get", to = "4s"}

sim.at("1s", function() sim.kill("w2") end)
sim.at("1500ms", function() sim.partition({"a", "b"}, {"c"}) end)
sim.at("3s", function() sim.heal() end)
sim.check("w2 restarted", function() return otp.whereis("w2", "a") ~= nil end)
sim.run{duration = "4s"}
