-- gen_statem_state_enter.lua
-- otp-semantics §4.1 step 2: "If `state_enter` is on and the state changed (or this is init or
-- `repeat_state`), call `(enter, OldState, Data)` and loop."
-- Enter runs at init (OldState = the initial state), on each state change (after the event's
-- callback, in the new state, with the state the event arrived in), on repeat_state and
-- repeat_state_and_data; not on keep_state nor on next_state to the same state. An enter call's
-- own repeat_state runs enter again; its actions (here a state timeout) take effect. Without
-- state_enter, no enter calls.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local function machine(modes)
  local M = {callback_mode = modes}
  function M.init() return "ok", "a", 0 end
  function M.handle_event(ev, msg, state, n)
    log[#log + 1] = {ev, msg, state}
    if ev == "enter" then
      if state == "twice" and n == 0 then return "repeat_state", 1 end
      if state == "c" then return "keep_state_and_data", {{"state_timeout", 10, "from_enter"}} end
      return "keep_state", n
    end
    if ev == "state_timeout" then return "keep_state_and_data" end
    if msg == "keep" then return "keep_state", n end
    if msg == "same" then return "next_state", state, n end
    if msg == "repeat" then return "repeat_state", n end
    if msg == "repeat_and_data" then return "repeat_state_and_data" end
    return "next_state", msg, n
  end
  return M
end

local mark
sim.spawn("n", function()
  local pid = otp.gen_statem.start(machine({"handle_event_function", "state_enter"}))
  for _, m in ipairs({"b", "keep", "same", "repeat", "repeat_and_data", "twice", "c"}) do
    otp.gen_statem.cast(pid, m)
  end
  otp.sleep(100)
  mark = #log
  pid = otp.gen_statem.start(machine("handle_event_function"))
  otp.gen_statem.cast(pid, "b")
  otp.gen_statem.cast(pid, "repeat")
  otp.sleep(10)
end)

E.check("enter calls with state_enter", function()
  return {table.unpack(log, 1, mark)}, {
    {"enter", "a", "a"},
    {"cast", "b", "a"}, {"enter", "a", "b"},
    {"cast", "keep", "b"},
    {"cast", "same", "b"},
    {"cast", "repeat", "b"}, {"enter", "b", "b"},
    {"cast", "repeat_and_data", "b"}, {"enter", "b", "b"},
    {"cast", "twice", "b"}, {"enter", "b", "twice"}, {"enter", "b", "twice"},
    {"cast", "c", "twice"}, {"enter", "twice", "c"},
    {"state_timeout", "from_enter", "c"},
  }
end)
E.check("no enter calls without state_enter", function()
  return {table.unpack(log, mark + 1)}, {{"cast", "b", "a"}, {"cast", "repeat", "b"}}
end)
