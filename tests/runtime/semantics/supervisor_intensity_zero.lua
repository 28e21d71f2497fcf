-- supervisor_intensity_zero.lua
-- otp-semantics §3.4: "So with intensity N the supervisor survives N restarts in the window and
-- dies on crash N+1. [...] Intensity 0: the first crash kills the supervisor" — whatever the
-- period: add_restart's list then holds one entry, and 1 > 0.
--
-- Intensity 0 with period 1: the first crash of a (at 2.5 s, long after start-up) is not
-- followed by a restart; b is terminated and the supervisor exits shutdown. A transient child
-- exiting normal is not a restart, so it does not count.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local function spec(id, restart)
  return {id = id, restart = restart, start = function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); log[#log + 1] = "start " .. id; return "ok", id end
    function W.handle_cast(reason, s) return "stop", reason, s end
    function W.terminate(reason) log[#log + 1] = {"terminate " .. id, reason} end
    pids[id] = otp.gen_server.start_link(W)
    return pids[id]
  end}
end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 0, period = 1},
                                        {spec("a"), spec("b"), spec("t", "transient")})
  otp.sleep(1000)
  otp.gen_server.cast(pids.t, "normal")
  otp.sleep(1500)
  otp.gen_server.cast(pids.a, "crash")
  local m = otp.receive({tag = "EXIT", from = sup})
  got.exit = {m.reason, otp.now()}
end)

E.check("no restart: the first crash shuts the supervisor down", function()
  return log, {"start a", "start b", "start t", {"terminate t", "normal"},
               {"terminate a", "crash"}, {"terminate b", "shutdown"}}
end)
E.check("the supervisor exits shutdown at the crash", function() return got.exit, {"shutdown", 2500} end)
