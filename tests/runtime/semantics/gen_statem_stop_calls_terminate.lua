-- gen_statem_stop_calls_terminate.lua
-- otp-semantics §2.6 (shared by §4.1): "5. `sys:terminate` / `gen_server:stop` was called. This
-- works **regardless of trap_exit**." "`gen_server:stop(Ref, R, T)` uses `proc_lib:stop`: [...]
-- It exits `noproc` if the server is gone, `timeout` on timeout, and returns `ok` only if the
-- process exits with R." Same for otp.gen_statem.stop and otp.sys.terminate.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init(slow) return "ok", "s", slow end
function M.s() return "keep_state_and_data" end
function M.terminate(reason, state, slow)
  log[#log + 1] = {reason, state}
  if slow then otp.sleep(100) end
end

local got = {}
sim.spawn("n", function()
  local a = otp.gen_statem.start(M, false, {name = "a"})
  got.stop = otp.gen_statem.stop("a")
  got.alive = otp.is_alive(a)
  otp.gen_statem.start(M, false, {name = "b"})
  got.stop_reason = otp.gen_statem.stop("b", {"shutdown", "x"}, 1000)
  otp.gen_statem.start(M, false, {name = "c"})
  got.sys_terminate = otp.sys.terminate("c", "shutdown")
  got.noproc = E.catch(otp.gen_statem.stop, "a")
  otp.gen_statem.start(M, true, {name = "d"})
  got.timeout = E.catch(otp.gen_statem.stop, "d", "normal", 50)
end)

E.check("stop returns ok once terminated; noproc; timeout", function()
  return got, {stop = "ok", alive = false, stop_reason = "ok", sys_terminate = "ok",
               noproc = {"exit", {"noproc", {"gen_statem", "stop", {"a", "normal", "infinity"}}}},
               timeout = {"exit", {"timeout", {"gen_statem", "stop", {"d", "normal", 50}}}}}
end)
E.check("terminate runs for each, without trap_exit", function()
  return log, {{"normal", "s"}, {{"shutdown", "x"}, "s"}, {"shutdown", "s"}, {"normal", "s"}}
end)
