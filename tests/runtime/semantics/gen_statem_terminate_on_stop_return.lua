-- gen_statem_terminate_on_stop_return.lua
-- otp-semantics §2.6 (shared by §4.1: "`terminate/3` guarantees are the same as gen_server's"):
-- "`terminate/2` is called [...] 1. A callback returned `{stop,…}`." and "The process exit reason
-- is R." gen_statem's forms: "stop" (reason normal), "stop", reason, and "stop", reason, data
-- (terminate sees the new data). A stop returned by a state enter call also terminates.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = {"handle_event_function", "state_enter"}}
function M.init() return "ok", "s", "d0" end
function M.handle_event(ev, msg, state, data)
  if ev == "enter" then
    if state == "doomed" then return "stop", "from_enter" end
    return "keep_state_and_data"
  end
  if msg == "plain" then return "stop" end
  if msg == "reason" then return "stop", "my_reason" end
  if msg == "data" then return "stop", "normal", "d1" end
  if msg == "enter_stop" then return "next_state", "doomed", "d2" end
end
function M.terminate(reason, state, data) log[#log + 1] = {reason, state, data} end

local downs = {}
sim.spawn("n", function()
  for _, m in ipairs({"plain", "reason", "data", "enter_stop"}) do
    local pid = otp.gen_statem.start(M)
    local ref = otp.monitor(pid)
    otp.gen_statem.cast(pid, m)
    downs[#downs + 1] = otp.receive({tag = "DOWN", ref = ref}).reason
  end
end)

E.check("terminate(reason, state, data) runs for each stop", function()
  return log, {{"normal", "s", "d0"}, {"my_reason", "s", "d0"}, {"normal", "s", "d1"}, {"from_enter", "doomed", "d2"}}
end)
E.check("the machine exits with the stop reason", function()
  return downs, {"normal", "my_reason", "normal", "from_enter"}
end)
