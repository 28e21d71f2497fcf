-- gen_statem_stop_and_reply.lua
-- otp-semantics §4.1: "`terminate/3` guarantees are the same as gen_server's"; gen_statem's
-- {stop_and_reply, Reason, Replies [, Data]} sends the replies and then terminates (stdlib
-- gen_statem.erl reply_then_terminate). Unlike gen_server's {stop, R, Reply, S}, the replies go
-- out *before* terminate runs: checked on OTP 25.2.3 (terminate sleeping 100 ms, the call
-- returned after 0 ms). Here terminate sleeps 10 ms: the caller has its reply at t=0 and the
-- DOWN (reason = the stop reason) at t=10; terminate sees the new data.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init() return "ok", "s", "d0" end
function M.s(ev, msg, data)
  if msg == "bye" then
    return "stop_and_reply", {"shutdown", "asked"}, {{"reply", ev[2], "bye!"}}, "d1"
  end
  if msg == "single" then return "stop_and_reply", "normal", {"reply", ev[2], "ok"} end
  return "keep_state_and_data"
end
function M.terminate(reason, state, data)
  log[#log + 1] = {"terminate", reason, state, data, otp.now()}
  otp.sleep(10)
end

local got = {}
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  local ref = otp.monitor(pid)
  got.reply = {otp.gen_statem.call(pid, "bye"), otp.now()}
  local down = otp.receive({tag = "DOWN", ref = ref})
  got.down = {down.reason, otp.now()}
  local pid2 = otp.gen_statem.start(M)
  got.single = otp.gen_statem.call(pid2, "single")
end)

E.check("the reply arrives before terminate finishes; the machine exits with the reason", function()
  return got, {reply = {"bye!", 0}, down = {{"shutdown", "asked"}, 10}, single = "ok"}
end)
E.check("terminate(reason, state, new data)", function()
  return log, {{"terminate", {"shutdown", "asked"}, "s", "d1", 0}, {"terminate", "normal", "s", "d0", 10}}
end)
