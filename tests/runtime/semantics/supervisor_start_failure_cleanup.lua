-- supervisor_start_failure_cleanup.lua
-- otp-semantics §3.1: "On abort: already-started children are terminated in **reverse start
-- order**, and `start_link` returns `{error,{shutdown,{failed_to_start_child,Id,E}}}`. Later
-- children are never started. [RUN: f1 started, f2 fails, f1 terminated with `shutdown`, f3 never
-- started]" — and "`{error,E}` [...] → **abort**".
--
-- Children f0, f1 (trapping gen_servers that record terminate), f2 (start returns nil, "no_way":
-- Erlang's {error, no_way}), f3. The caller traps exits: the supervisor exits with the same
-- reason, and the link delivers it as an EXIT.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local function child(id)
  return function()
    local W = {}
    function W.init()
      otp.process_flag("trap_exit", true)
      log[#log + 1] = "start " .. id
      return "ok", id
    end
    function W.terminate(reason) log[#log + 1] = {"terminate " .. id, reason} end
    local pid, why = otp.gen_server.start_link(W)
    pids[id] = pid
    return pid, why
  end
end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  got.result = {otp.supervisor.start_link({strategy = "one_for_one"}, {
    {id = "f0", start = child("f0")},
    {id = "f1", start = child("f1")},
    {id = "f2", start = function() log[#log + 1] = "start f2"; return nil, "no_way" end},
    {id = "f3", start = child("f3")},
  })}
  got.alive = {f0 = otp.is_alive(pids.f0), f1 = otp.is_alive(pids.f1)}
  local exit = otp.receive({tag = "EXIT"}, 0)
  got.exit = exit and exit.reason
end)

local why = {"shutdown", {"failed_to_start_child", "f2", "no_way"}}

E.check("f0, f1 started; f2 fails; f1 then f0 terminated with shutdown; f3 never started", function()
  return log, {"start f0", "start f1", "start f2", {"terminate f1", "shutdown"},
               {"terminate f0", "shutdown"}}
end)
E.check("start_link returns nil, {shutdown, {failed_to_start_child, f2, no_way}}", function()
  return got.result, {nil, why}
end)
E.check("the started children are gone when start_link returns", function()
  return got.alive, {f0 = false, f1 = false}
end)
E.check("the linked, trapping caller gets the supervisor's EXIT with that reason", function()
  return got.exit, why
end)
