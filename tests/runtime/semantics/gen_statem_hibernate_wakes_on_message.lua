-- gen_statem_hibernate_wakes_on_message.lua
-- otp-semantics §4.1 step 7: "Process queued events; otherwise `receive`, or hibernate." The
-- `hibernate` action (or {"hibernate", true}) takes effect only when no event is queued; the next
-- message wakes the machine with its state and data. A hibernating machine's running timeouts
-- still fire (a state timeout here).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init() return "ok", "s", 0, "hibernate" end
function M.s(ev, msg, n)
  log[#log + 1] = {ev, msg, n, otp.now()}
  if msg == "arm" then return "keep_state", n + 1, {{"hibernate", true}, {"state_timeout", 50, "st"}} end
  return "keep_state", n + 1, "hibernate"
end

sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  otp.sleep(100)
  otp.gen_statem.cast(pid, "wake1")
  otp.sleep(100)
  otp.gen_statem.cast(pid, "arm")
  otp.sleep(100)
  otp.gen_statem.cast(pid, "wake2")
  otp.sleep(10)
end)

E.check("each message wakes the machine with its data; timers fire while it hibernates", function()
  return log, {{"cast", "wake1", 0, 100}, {"cast", "arm", 1, 200}, {"state_timeout", "st", 2, 250},
               {"cast", "wake2", 3, 300}}
end)
