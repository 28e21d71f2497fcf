-- gen_server_stop_calls_terminate.lua
-- otp-semantics §2.6: "5. `sys:terminate` / `gen_server:stop` was called. This works
-- **regardless of trap_exit**." and "`gen_server:stop(Ref, R, T)` uses `proc_lib:stop`:
-- monitor, then `sys:terminate`. It exits `noproc` if the server is gone, `timeout` on timeout,
-- and returns `ok` only if the process exits with R."
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local function server(trap)
  local Srv = {}
  function Srv.init()
    otp.process_flag("trap_exit", trap)
    return "ok", trap and "trapping" or "plain"
  end
  function Srv.handle_call(req, from, s)
    if req == "busy" then otp.sleep(1000) end
    return "reply", req, s
  end
  function Srv.terminate(reason, s)
    log[#log + 1] = {s, reason}
    if reason == "slow" then otp.sleep(500) end
  end
  return Srv
end

local got = {}

sim.spawn("n", function()
  local a = otp.gen_server.start(server(false))
  got.plain = otp.gen_server.stop(a)
  local b = otp.gen_server.start(server(true))
  local ref = otp.monitor(b)
  got.trapping = otp.gen_server.stop(b, {"shutdown", "maintenance"})
  got.b_down = otp.receive({tag = "DOWN", ref = ref}, 0)
  got.b_down = got.b_down and got.b_down.reason or "no DOWN"
  got.gone = E.catch(otp.gen_server.stop, a)
  got.a = a
  local c = otp.gen_server.start(server(false))
  got.c = c
  got.timeout = E.catch(otp.gen_server.stop, c, "slow", 100)
  got.timeout_at = otp.now()
end)

E.check("stop runs terminate whatever trap_exit; returns ok when it exits with R", function()
  return {got.plain, got.trapping, got.b_down},
         {"ok", "ok", {"shutdown", "maintenance"}}
end)
E.check("terminate calls", function()
  return log, {{"plain", "normal"}, {"trapping", {"shutdown", "maintenance"}}, {"plain", "slow"}}
end)
E.check("stop of a dead server exits noproc", function()
  return got.gone, {"exit", {"noproc", {"gen_server", "stop", {got.a, "normal", "infinity"}}}}
end)
E.check("stop with a timeout exits timeout", function()
  return {got.timeout, got.timeout_at},
         {{"exit", {"timeout", {"gen_server", "stop", {got.c, "slow", 100}}}}, 100}
end)
