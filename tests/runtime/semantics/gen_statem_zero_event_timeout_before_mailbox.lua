-- gen_statem_zero_event_timeout_before_mailbox.lua
-- otp-semantics §4.1 step 6: "**Zero-time timeouts are not timers.** The timeout event is
-- enqueued **after already-queued events but before any external message not yet received**.
-- [RUN: with the process suspended, cast `{arm_event_timeout,0}` then cast `noise`, resume →
-- **`ev_fired` before `noise`**. The noise message sat in the mailbox, not in the engine's queue,
-- so it had not "arrived" and did not cancel the event timeout.]"
-- Also from init: a zero event timeout in init's actions fires before a message sent at once.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init(zero)
  if zero then return "ok", "idle", nil, {{"timeout", 0, "init_fired"}} end
  return "ok", "idle", nil
end
function M.idle(ev, msg)
  log[#log + 1] = {ev, msg}
  if type(msg) == "table" and msg[1] == "arm_event_timeout" then
    return "keep_state_and_data", {{"timeout", msg[2], "ev_fired"}}
  end
  return "keep_state_and_data"
end

local got = {}
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  got.suspend = otp.sys.suspend(pid)
  otp.gen_statem.cast(pid, {"arm_event_timeout", 0})
  otp.gen_statem.cast(pid, "noise")
  otp.sleep(10)
  got.while_suspended = #log
  got.resume = otp.sys.resume(pid)
  otp.sleep(10)
  got.log = log
end)

local init_log = {}
sim.spawn("n", function()
  otp.sleep(100)
  local M2 = {callback_mode = "state_functions", init = M.init}
  function M2.idle(ev, msg) init_log[#init_log + 1] = {ev, msg}; return "keep_state_and_data" end
  local pid = otp.gen_statem.start(M2, true)
  otp.send(pid, "hello")
  otp.sleep(10)
end)

E.check("the zero event timeout fires before the cast already in the mailbox", function()
  return got, {suspend = "ok", while_suspended = 0, resume = "ok",
               log = {{"cast", {"arm_event_timeout", 0}}, {"timeout", "ev_fired"}, {"cast", "noise"}}}
end)
E.check("a zero event timeout from init fires before any message", function()
  return init_log, {{"timeout", "init_fired"}, {"info", "hello"}}
end)
