-- gen_statem_postpone_replay_on_state_change.lua
-- otp-semantics §4.1 step 3-4: "If `postpone`, move the current event to the postponed list."
-- "**If the state changed**, put all postponed events back in front of the queue, oldest first.
-- [RUN: `{work,1}`, `{work,2}` postponed in `busy`; a `busy→busy` transition does not replay
-- them; `busy→idle` replays 1 then 2 after the enter call]"
-- Expected log checked against OTP 25.2.3 (the same machine written in Erlang).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}
local function note(x) log[#log + 1] = x end

local M = {callback_mode = {"handle_event_function", "state_enter"}}
function M.init() return "ok", "idle", nil end
function M.handle_event(ev, msg, state, data)
  if ev == "enter" then note({"enter", msg, state}); return "keep_state_and_data" end
  if msg == "to_busy" then return "next_state", "busy", data end
  if msg == "busy_again" then note("busy_again"); return "next_state", "busy", data end
  if msg == "to_idle" then note("to_idle"); return "next_state", "idle", data end
  if type(msg) == "table" and msg[1] == "work" then
    if state == "busy" then note({"postpone", msg[2]}); return "keep_state_and_data", "postpone" end
    note({"work", msg[2]})
    return "keep_state_and_data"
  end
end

local at_busy_again
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  for _, m in ipairs({"to_busy", {"work", 1}, {"work", 2}, "busy_again"}) do otp.gen_statem.cast(pid, m) end
  otp.sleep(10)
  at_busy_again = #log
  otp.gen_statem.cast(pid, "to_idle")
  otp.sleep(10)
end)

E.check("busy -> busy does not replay the postponed events", function()
  return {table.unpack(log, 1, at_busy_again)},
         {{"enter", "idle", "idle"}, {"enter", "idle", "busy"}, {"postpone", 1}, {"postpone", 2}, "busy_again"}
end)
E.check("busy -> idle replays them oldest first, after the enter call", function()
  return {table.unpack(log, at_busy_again + 1)},
         {"to_idle", {"enter", "busy", "idle"}, {"work", 1}, {"work", 2}}
end)
