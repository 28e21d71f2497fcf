-- gen_statem_terminate_on_bad_return.lua
-- otp-semantics §2.6 (shared by §4.1): "`terminate/2` is called [...] 3. A callback returned a bad
-- value". gen_statem's reasons (OTP 25.2.3, checked): terminate({bad_return_from_state_function,
-- Result}) and exit {{bad_return_from_state_function, Result}, Stack}; a bad action gives
-- {bad_action_from_state_function, Action}. §4.1 step 2: "State-enter calls may not change state,
-- postpone, or insert events": {bad_state_enter_return_from_state_function, Result} and
-- {bad_state_enter_action_from_state_function, Action}. A single returned value is the Result;
-- several are a list.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = {"handle_event_function", "state_enter"}}
function M.init() return "ok", "s", nil end
function M.handle_event(ev, msg, state, data)
  if ev == "enter" then
    if state == "enter_changes" then return "next_state", "elsewhere", data end
    if state == "enter_postpones" then return "keep_state_and_data", "postpone" end
    if state == "enter_inserts" then return "keep_state_and_data", {{"next_event", "internal", 1}} end
    return "keep_state_and_data"
  end
  if msg == "bogus" then return "bogus" end
  if msg == "short" then return "next_state", "t" end
  if msg == "bad_action" then return "keep_state_and_data", {{"bogus", 1}} end
  if msg == "bad_reply" then return "keep_state_and_data", {{"reply", "nobody", 1}} end
  return "next_state", msg, data
end
function M.terminate(reason, state) log[#log + 1] = {reason, state} end

local downs = {}
sim.spawn("n", function()
  for _, m in ipairs({"bogus", "short", "bad_action", "bad_reply", "enter_changes", "enter_postpones", "enter_inserts"}) do
    local pid = otp.gen_statem.start(M)
    local ref = otp.monitor(pid)
    otp.gen_statem.cast(pid, m)
    downs[#downs + 1] = otp.receive({tag = "DOWN", ref = ref}).reason
  end
end)

local want = {
  {{"bad_return_from_state_function", "bogus"}, "s"},
  {{"bad_return_from_state_function", {"next_state", "t"}}, "s"},
  {{"bad_action_from_state_function", {"bogus", 1}}, "s"},
  {{"bad_action_from_state_function", {"reply", "nobody", 1}}, "s"},
  {{"bad_state_enter_return_from_state_function", {"next_state", "elsewhere", nil}}, "enter_changes"},
  {{"bad_state_enter_action_from_state_function", "postpone"}, "enter_postpones"},
  {{"bad_state_enter_action_from_state_function", {"next_event", "internal", 1}}, "enter_inserts"},
}

E.check("terminate gets the bad-return / bad-action reason", function() return log, want end)
E.check("the machine exits {reason, traceback}", function()
  local w = {}
  for i, x in ipairs(want) do
    local reason = x[1]
    w[i] = E.matcher("{" .. E.show(reason) .. ", traceback}", function(v)
      return type(v) == "table" and E.same(v[1], reason) and type(v[2]) == "string" and v[2]:find("stack traceback", 1, true) ~= nil
    end)
  end
  return downs, w
end)
