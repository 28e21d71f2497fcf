-- supervisor_retry_reruns_strategy.lua
-- otp-semantics §3.5: "If a start fails during one_for_all or rest_for_one, the failed child is
-- marked `restarting`, any children not yet started stay `pid=undefined`, and the supervisor
-- casts itself `try_again_restart`. The retry **re-runs the whole strategy**: one_for_all
-- terminates and restarts the group again; rest_for_one restarts from the failed child onward.
-- Every retry counts in `add_restart`."
--
-- Trapping gen_server children record start and terminate. A child marked to fail fails its
-- next start after 50 ms (so a which_children call sent meanwhile is answered before the retry).
--   one_for_all a, b, c (intensity 5): a killed at 100 ms, b's restart fails.
--   rest_for_one a, b, c, d (intensity 5): b killed at 100 ms, c's restart fails.
--   one_for_all a, b, c (intensity 1): as the first, but the retry is a second restart: the
--   supervisor exits shutdown instead.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function tree(label, strategy, intensity, ids, victim, failer)
  local r = {log = {}, pids = {}}
  local fail_next = {}
  local function spec(id)
    return {id = id, start = function()
      if fail_next[id] then
        fail_next[id] = nil
        otp.sleep(50)
        r.log[#r.log + 1] = "fail " .. id
        return nil, "not_now"
      end
      local W = {}
      function W.init() otp.process_flag("trap_exit", true); r.log[#r.log + 1] = "start " .. id; return "ok", id end
      function W.terminate(reason) r.log[#r.log + 1] = "terminate " .. id .. " " .. reason end
      r.pids[id] = otp.gen_server.start_link(W)
      return r.pids[id]
    end}
  end
  local specs = {}
  for i, id in ipairs(ids) do specs[i] = spec(id) end
  local sup
  sim.spawn("n", function()
    otp.process_flag("trap_exit", true)
    sup = otp.supervisor.start_link({strategy = strategy, intensity = intensity}, specs)
    otp.sleep(100)
    r.log[#r.log + 1] = "kill " .. victim
    fail_next[failer] = true
    otp.exit(r.pids[victim], "kill")
    local m = otp.receive({tag = "EXIT", from = sup}, 1000)
    r.exit = m and {m.reason, otp.now()} or "alive"
    if not m then
      r.final = {}
      for i, c in ipairs(otp.supervisor.which_children(sup)) do
        r.final[i] = {c.id, c.pid == r.pids[c.id] and otp.is_alive(c.pid)}
      end
    end
    r.snapshot = {table.unpack(r.log)}
  end)
  sim.spawn("n", function()
    otp.sleep(120)
    local ok, which = pcall(otp.supervisor.which_children, sup)
    if not ok then return end
    r.between = {}
    for i, c in ipairs(which) do r.between[i] = {c.id, otp.is_pid(c.pid) and "pid" or c.pid} end
    r.between_at = otp.now()
  end)
  return r
end

local all = tree("one_for_all", "one_for_all", 5, {"a", "b", "c"}, "a", "b")
local rest = tree("rest_for_one", "rest_for_one", 5, {"a", "b", "c", "d"}, "b", "c")
local tight = tree("one_for_all tight", "one_for_all", 1, {"a", "b", "c"}, "a", "b")

E.check("one_for_all: the retry terminates and restarts the whole group", function()
  return all.snapshot, {"start a", "start b", "start c", "kill a",
                        "terminate c shutdown", "terminate b shutdown", "start a", "fail b",
                        "terminate a shutdown", "start a", "start b", "start c"}
end)
E.check("one_for_all: between the tries b is restarting, c undefined", function()
  return {all.between, all.between_at}, {{{"c", "undefined"}, {"b", "restarting"}, {"a", "pid"}}, 150}
end)
E.check("one_for_all: all running afterwards", function()
  return {all.exit, all.final}, {"alive", {{"c", true}, {"b", true}, {"a", true}}}
end)
E.check("rest_for_one: the retry restarts from the failed child onward", function()
  return rest.snapshot, {"start a", "start b", "start c", "start d", "kill b",
                         "terminate d shutdown", "terminate c shutdown", "start b", "fail c",
                         "start c", "start d"}
end)
E.check("rest_for_one: between the tries c is restarting, d undefined", function()
  return {rest.between, rest.between_at},
         {{{"d", "undefined"}, {"c", "restarting"}, {"b", "pid"}, {"a", "pid"}}, 150}
end)
E.check("rest_for_one: all running afterwards", function()
  return {rest.exit, rest.final}, {"alive", {{"d", true}, {"c", true}, {"b", true}, {"a", true}}}
end)
E.check("intensity 1: the retry counts as a restart and the supervisor gives up", function()
  return {tight.snapshot, tight.exit},
         {{"start a", "start b", "start c", "kill a",
           "terminate c shutdown", "terminate b shutdown", "start a", "fail b",
           "terminate a shutdown"}, {"shutdown", 150}}
end)
