-- gen_statem_callback_modes.lua
-- otp-semantics §4.1: "`callback_mode` is `state_functions` (atom states) or
-- `handle_event_function`, optionally combined with `state_enter`."
-- The same turnstile in both modes gives the same transitions: state_functions calls
-- mod[state](event_type, content, data); handle_event_function calls mod.handle_event(event_type,
-- content, state, data), whose states may be any value (here tables, compared by value).
-- callback_mode may be a function, called once; a bad value stops the machine after start with
-- {"bad_return_from_callback_mode", value}.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function step(state, msg)
  if state == "locked" and msg == "coin" then return "unlocked" end
  if state == "unlocked" and msg == "push" then return "locked" end
  return state
end

local mode_calls = 0
local SF = {callback_mode = function() mode_calls = mode_calls + 1; return "state_functions" end}
function SF.init() return "ok", "locked", {} end
local function sf(state)
  return function(ev, msg, seen)
    if ev[1] == "call" then return "keep_state_and_data", {"reply", ev[2], {state, seen}} end
    seen[#seen + 1] = state .. ":" .. msg
    return "next_state", step(state, msg), seen
  end
end
SF.locked, SF.unlocked = sf("locked"), sf("unlocked")

local HE = {callback_mode = "handle_event_function"}
function HE.init() return "ok", {name = "locked"}, {} end
function HE.handle_event(ev, msg, state, seen)
  if ev[1] == "call" then return "keep_state_and_data", {"reply", ev[2], {state.name, seen}} end
  seen[#seen + 1] = state.name .. ":" .. msg
  return "next_state", {name = step(state.name, msg)}, seen   -- a new table, equal by value
end

local BAD = {callback_mode = "moore", init = function() return "ok", "s", nil end}
function BAD.terminate(reason) otp.send("observer", {terminated = reason}) end

local got = {}
sim.spawn("n", function()
  otp.register("observer", otp.self())
  for _, mod in ipairs({SF, HE}) do
    local pid = otp.gen_statem.start(mod)
    for _, m in ipairs({"push", "coin", "coin", "push"}) do otp.gen_statem.cast(pid, m) end
    got[#got + 1] = otp.gen_statem.call(pid, "status")
  end
  otp.process_flag("trap_exit", true)
  local pid = otp.gen_statem.start_link(BAD)
  got.bad_started = pid ~= nil
  got.bad_terminate = otp.receive({terminated = otp.any}).terminated
  got.bad_exit = otp.receive({tag = "EXIT", from = pid}).reason[1]
end)

local trace = {"locked:push", "locked:coin", "unlocked:coin", "unlocked:push"}
E.check("both modes run the same machine", function()
  return got, {{"locked", trace}, {"locked", trace}, bad_started = true,
               bad_terminate = {"bad_return_from_callback_mode", "moore"},
               bad_exit = {"bad_return_from_callback_mode", "moore"}}
end)
E.check("callback_mode() is called once", function() return mode_calls, 1 end)
