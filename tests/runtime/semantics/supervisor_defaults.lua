-- supervisor_defaults.lua
-- otp-semantics §3.1: "Defaults: `strategy one_for_one`, `intensity 1`, `period 5` (seconds),
-- `auto_shutdown never`. Child defaults: `restart permanent`, `shutdown 5000` (worker) or
-- `infinity` (supervisor), `type worker`, `significant false`."
--
-- The child defaults are read back with get_childspec. The flag defaults are shown by behaviour:
-- supervisors started with empty flags restart only the crashed child (one_for_one); two crashes
-- at 0.5 s and 5.6 s kill the supervisor (floor 0 >= 5 - 5: intensity 1, period at least 5),
-- crashes at 0.5 s and 6.5 s do not (floor 0 < 6 - 5: period below 6); a significant child is
-- refused because auto_shutdown is never.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function start() return otp.spawn_link(function() otp.receive() end) end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({}, {
    {id = "w", start = start},
    {id = "s", start = start, type = "supervisor"},
  })
  got.w = otp.supervisor.get_childspec(sup, "w")
  got.s = otp.supervisor.get_childspec(sup, "s")
  got.significant = {otp.supervisor.start_link({}, {{id = "x", start = start, restart = "transient",
                                                     significant = true}})}
  otp.receive({tag = "EXIT"}, 0)
end)

-- Two supervisors with default flags and children a, b; a is killed at the given times.
local function crash_run(label, t1, t2)
  local r = {}
  got[label] = r
  local a_pids, b_starts = {}, 0
  sim.spawn("n", function()
    otp.process_flag("trap_exit", true)
    local sup = otp.supervisor.start_link(nil, {
      {id = "a", start = function() local p = start(); a_pids[#a_pids + 1] = p; return p end},
      {id = "b", start = function() b_starts = b_starts + 1; return start() end},
    })
    local m = otp.receive({tag = "EXIT", from = sup}, 10000)
    r.sup_exit = m and {m.reason, otp.now()} or "alive"
    r.a_starts = #a_pids
  end)
  sim.at(t1, function() sim.kill(a_pids[#a_pids], "boom") end)
  sim.at(t1 + 1, function()
    -- after the first crash: a restarted, b untouched (one_for_one)
    r.one_for_one = {#a_pids, b_starts}
  end)
  sim.at(t2, function() sim.kill(a_pids[#a_pids], "boom") end)
end

crash_run("dies", 500, 5600)
crash_run("survives", 500, 6500)

E.check("worker child defaults", function()
  return got.w, {id = "w", start = start, restart = "permanent", shutdown = 5000, type = "worker",
                 significant = false}
end)
E.check("supervisor child defaults: shutdown infinity", function()
  return got.s, {id = "s", start = start, restart = "permanent", shutdown = "infinity",
                 type = "supervisor", significant = false}
end)
E.check("default auto_shutdown is never: a significant child is refused", function()
  return got.significant, {nil, {"start_spec", {"bad_combination", {{"auto_shutdown", "never"},
                                                                    {"significant", true}}}}}
end)
E.check("default strategy one_for_one: only the crashed child restarts", function()
  return {got.dies.one_for_one, got.survives.one_for_one}, {{2, 1}, {2, 1}}
end)
E.check("crashes at 0.5 s and 5.6 s: the supervisor exits shutdown at the second", function()
  return {got.dies.sup_exit, got.dies.a_starts}, {{"shutdown", 5600}, 2}
end)
E.check("crashes at 0.5 s and 6.5 s: the supervisor restarts a twice and lives", function()
  return {got.survives.sup_exit, got.survives.a_starts}, {"alive", 3}
end)
