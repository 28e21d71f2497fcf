-- supervisor_failed_restart_retried.lua
-- otp-semantics §3.4: "**Failed restarts.** If the restart's start function fails, the child is
-- marked `{restarting, OldPid}`, an error report is logged, and the supervisor **casts itself**
-- `{try_again_restart, Id}`. Each retry goes through `restart/2` and thus `add_restart` again, so
-- repeated start failures exhaust the intensity. [...] [SRC 789–885; RUN
-- `restart_fails_repeatedly`, intensity 3: three failed start attempts, then the supervisor exits
-- `shutdown`] `which_children` shows `restarting` in place of a pid." — and "`add_restart` is
-- called **before** the restart attempt and counts attempts, not successes."
--
-- Intensity 3, period 5. w starts once, is killed at 1 s, and from then on every start attempt
-- takes 100 ms and fails. Attempts at 1.0, 1.1 and 1.2 s; the fourth add_restart (at 1.3 s)
-- exceeds the intensity and the supervisor exits shutdown, terminating `other`. A which_children
-- call sent at 1.15 s is answered between two retries with w "restarting".
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, w = {}, nil
local failing = false

local function start_w()
  if failing then
    log[#log + 1] = {"attempt", otp.now()}
    otp.sleep(100)
    return nil, "no_resource"
  end
  w = otp.spawn_link(function() otp.receive() end)
  log[#log + 1] = {"started", otp.now()}
  return w
end

local function start_other()
  local W = {}
  function W.init() otp.process_flag("trap_exit", true); return "ok", 0 end
  function W.terminate(reason) log[#log + 1] = {"terminate other", reason, otp.now()} end
  return otp.gen_server.start_link(W)
end

local got = {}
local sup

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 3, period = 5},
                                  {{id = "w", start = start_w}, {id = "other", start = start_other}})
  local m = otp.receive({tag = "EXIT", from = sup})
  got.exit = {m.reason, otp.now()}
end)

sim.at(1000, function() failing = true; sim.kill(w, "boom") end)

sim.spawn("n", function()
  otp.sleep(1150)
  local which = otp.supervisor.which_children(sup)
  got.which = {}
  for i, c in ipairs(which) do got.which[i] = {c.id, otp.is_pid(c.pid) and "pid" or c.pid} end
  got.which_at = otp.now()
end)

E.check("three failed attempts, then other is shut down", function()
  return log, {{"started", 0}, {"attempt", 1000}, {"attempt", 1100}, {"attempt", 1200},
               {"terminate other", "shutdown", 1300}}
end)
E.check("the supervisor exits shutdown when the fourth add_restart exceeds intensity 3", function()
  return got.exit, {"shutdown", 1300}
end)
E.check("which_children between retries shows restarting", function()
  return {got.which, got.which_at}, {{{"other", "pid"}, {"w", "restarting"}}, 1200}
end)
