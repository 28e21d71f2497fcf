-- gen_statem_terminate_on_callback_error.lua
-- otp-semantics §2.6 (shared by §4.1): "`terminate/2` is called [...] 2. A callback raised."
-- gen_statem (OTP 25.2.3, checked): terminate/3 gets the bare reason (`boom2`, not {boom2,
-- Stack}) and the state before the event; the process exits {Reason, Stack}; a caller waiting on
-- the machine exits {{Reason, Stack}, {gen_statem, call, [..]}}. In otpsim a Lua error's reason is
-- its message and the exit reason {message, traceback}; an otp.exit(r) in a callback is exit
-- class: terminate(r) and exit r. An error in terminate itself replaces the reason.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init(bad_terminate) return "ok", "s", bad_terminate end
function M.s(ev, msg, data)
  if msg == "crash" then error("boom") end
  if msg == "exit" then otp.exit({"custom", 1}) end
  return "next_state", "never", data
end
function M.terminate(reason, state, data)
  log[#log + 1] = {reason, state}
  if data then error("terminate failed") end
end

local got = {}
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  local ref = otp.monitor(pid)
  got.call = E.catch(otp.gen_statem.call, pid, "crash")
  got.down = otp.receive({tag = "DOWN", ref = ref}).reason
  pid = otp.gen_statem.start(M)
  ref = otp.monitor(pid)
  otp.gen_statem.cast(pid, "exit")
  got.exit_down = otp.receive({tag = "DOWN", ref = ref}).reason
  pid = otp.gen_statem.start(M, true)
  ref = otp.monitor(pid)
  otp.gen_statem.cast(pid, "exit")
  got.bad_terminate_down = otp.receive({tag = "DOWN", ref = ref}).reason
end)

E.check("terminate gets the error message and the state before the event", function()
  return log, {{E.match_contains("boom"), "s"}, {{"custom", 1}, "s"}, {{"custom", 1}, "s"}}
end)
E.check("exit reasons: {message, traceback}; the exit reason; terminate's own error", function()
  return got, {call = {"exit", {E.match_error("boom"), {"gen_statem", "call", {E.ANY, "crash", "infinity"}}}},
               down = E.match_error("boom"), exit_down = {"custom", 1},
               bad_terminate_down = E.match_error("terminate failed")}
end)
