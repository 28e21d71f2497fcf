-- otp-semantics §5: when the top supervisor dies (intensity exceeded → it exits shutdown):
-- a temporary application just stops (the node keeps running, the app is no longer listed);
-- transient halts the node, because a dying tree exits shutdown, not normal; permanent halts the
-- node. An explicit application.stop affects no other application and halts nothing.
local E = require("lib.expect")

local function top()
  return otp.supervisor.start_link({intensity = 0}, {{id = "w", start = function()
    return otp.spawn_link(function() otp.register("w", otp.self()); otp.receive() end)
  end}})
end
for _, t in ipairs({"temporary", "transient", "permanent", "stopped"}) do
  otp.application.define{name = "app_" .. t, start = top}
end

local seen = {}
local function run_on(node, app_type)
  sim.node(node, {instr_ns = 0, boot = function()
    local name = "app_" .. (app_type == "stop" and "stopped" or app_type)
    assert(otp.application.start(name, app_type == "stop" and "permanent" or app_type))
    seen[node] = {listed_before = #otp.application.which_applications()}
    if app_type == "stop" then
      seen[node].stop = otp.application.stop(name)
    else
      otp.exit(otp.whereis("w"), "kill")
    end
    otp.sleep(50)
    seen[node].listed_after = #otp.application.which_applications()
  end})
end
run_on("t1", "temporary")
run_on("t2", "transient")
run_on("t3", "permanent")
run_on("t4", "stop")
sim.run{duration = "1s"}

E.check("temporary: the node runs on, the app is gone", function()
  return {seen.t1.listed_before, seen.t1.listed_after, sim.node_stats("t1").processes > 0}, {1, 0, true}
end)
E.check("transient: a shutdown exit halts the node", function()
  return {seen.t2.listed_after, sim.node_stats("t2").processes}, {nil, 0}
end)
E.check("permanent: the node halts", function()
  return {seen.t3.listed_after, sim.node_stats("t3").processes}, {nil, 0}
end)
E.check("explicit stop of a permanent app: ok, node keeps running", function()
  return {seen.t4.stop, seen.t4.listed_after, sim.node_stats("t4").processes > 0}, {"ok", 0, true}
end)
