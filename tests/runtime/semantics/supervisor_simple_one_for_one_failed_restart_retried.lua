-- supervisor_simple_one_for_one_failed_restart_retried.lua
-- otp-semantics §3.4: "**Failed restarts.** If the restart's start function fails, the child is
-- marked `{restarting, OldPid}`, an error report is logged, and the supervisor **casts itself**
-- `{try_again_restart, Id}`. Each retry goes through `restart/2` and thus `add_restart` again, so
-- repeated start failures exhaust the intensity." — for simple_one_for_one as for the others
-- (supervisor.erl restart(simple_one_for_one, ...) stores {restarting, OldPid} and returns
-- {try_again, ...}; which_children lists it as {undefined, restarting, ...}).
--
-- Intensity 3. Two dynamic children; at 1 s the first is killed and from then on every start
-- attempt takes 50 ms and fails: attempts at 1.00, 1.05, 1.10 s, then the fourth add_restart
-- exceeds the intensity and the supervisor exits shutdown at 1.15 s, shutting down the other
-- child. A which_children call sent at 1.02 s is answered at 1.05 s with one child restarting.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local attempts, failing, kids = {}, false, {}

local W = {}
function W.init(n) otp.process_flag("trap_exit", true); return "ok", n end
function W.terminate(reason, n) attempts[#attempts + 1] = {"terminate", n, reason, otp.now()} end

local function start(n)
  if failing then
    attempts[#attempts + 1] = {"attempt", n, otp.now()}
    otp.sleep(50)
    return nil, "no_resource"
  end
  return otp.gen_server.start_link(W, n)
end

local got = {}
local sup

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  sup = otp.supervisor.start_link({strategy = "simple_one_for_one", intensity = 3},
                                  {{id = "tpl", start = start}})
  kids[1] = otp.supervisor.start_child(sup, {1})
  kids[2] = otp.supervisor.start_child(sup, {2})
  local m = otp.receive({tag = "EXIT", from = sup}, 5000)
  got.exit = m and {m.reason, otp.now()} or "alive"
end)

sim.at(1000, function() failing = true; sim.kill(kids[1], "kill") end)

sim.spawn("n", function()
  otp.sleep(1020)
  local which = otp.supervisor.which_children(sup)
  local states = {}
  for _, c in ipairs(which) do states[#states + 1] = otp.is_pid(c.pid) and "pid" or c.pid end
  table.sort(states)
  got.which = {states, otp.now()}
end)

E.check("three failed attempts with child 1's arguments, then child 2 is shut down", function()
  return attempts, {{"attempt", 1, 1000}, {"attempt", 1, 1050}, {"attempt", 1, 1100},
                    {"terminate", 2, "shutdown", 1150}}
end)
E.check("the supervisor exits shutdown when the intensity is exhausted", function()
  return got.exit, {"shutdown", 1150}
end)
E.check("which_children between retries lists the child as restarting", function()
  return got.which, {{"pid", "restarting"}, 1050}
end)
