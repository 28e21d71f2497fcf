-- gen_statem_state_timeout_survives_events_and_repeat.lua
-- otp-semantics §4.1 step 6: "**state timeout** `{state_timeout,T,Msg}`: cancelled **only by a
-- state change**, or by being re-set/`infinity`. It is **not** cancelled by `repeat_state` (which
-- re-runs enter) nor by ordinary events in the same state. [RUN: fired 100 ms after arming despite
-- `noise` and `repeat_state_and_data`]"
-- A: armed at 0 for 300 ms, noise at 100, repeat_state_and_data at 150 → fires at 300 (the enter
-- call runs again at 150). B: a state change at 50 cancels it. C: re-set at 100 restarts it
-- (fires at 400); "infinity" cancels. D: {"state_timeout", "update", m} changes the content of the
-- running timer and keeps its time (checked on OTP 25.2.3).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {a = {}, b = {}, c = {}, d = {}}

local M = {callback_mode = {"state_functions", "state_enter"}}
function M.init(name) return "ok", "s", name end
local function common(ev, msg, name, state)
  local l = log[name]
  l[#l + 1] = {ev, msg, otp.now()}
  if msg == "arm" then return "keep_state_and_data", {{"state_timeout", 300, "st_fired"}} end
  if msg == "rearm" then return "keep_state_and_data", {{"state_timeout", 300, "st_fired"}} end
  if msg == "disarm" then return "keep_state_and_data", {{"state_timeout", "infinity"}} end
  if msg == "update" then return "keep_state_and_data", {{"state_timeout", "update", "updated"}} end
  if msg == "repeat" then return "repeat_state_and_data" end
  if msg == "change" then return "next_state", state == "s" and "t" or "s", name end
  return "keep_state_and_data"
end
function M.s(ev, msg, name) return common(ev, msg, name, "s") end
function M.t(ev, msg, name) return common(ev, msg, name, "t") end

local function drive(name, script)
  sim.spawn("n", function()
    local pid = otp.gen_statem.start(M, name)
    local t0 = 0
    for _, step in ipairs(script) do
      otp.sleep(step[1] - t0)
      t0 = step[1]
      otp.gen_statem.cast(pid, step[2])
    end
    otp.sleep(1000)
  end)
end
drive("a", {{0, "arm"}, {100, "noise"}, {150, "repeat"}})
drive("b", {{0, "arm"}, {50, "change"}})
drive("c", {{0, "arm"}, {100, "rearm"}, {500, "arm"}, {600, "disarm"}})
drive("d", {{0, "arm"}, {100, "update"}})

E.check("A: noise and repeat_state do not cancel it; repeat_state re-runs enter", function()
  return log.a, {{"enter", "s", 0}, {"cast", "arm", 0}, {"cast", "noise", 100}, {"cast", "repeat", 150},
                 {"enter", "s", 150}, {"state_timeout", "st_fired", 300}}
end)
E.check("B: a state change cancels it", function()
  return log.b, {{"enter", "s", 0}, {"cast", "arm", 0}, {"cast", "change", 50}, {"enter", "s", 50}}
end)
E.check("C: re-setting restarts it; infinity cancels it", function()
  return log.c, {{"enter", "s", 0}, {"cast", "arm", 0}, {"cast", "rearm", 100},
                 {"state_timeout", "st_fired", 400}, {"cast", "arm", 500}, {"cast", "disarm", 600}}
end)
E.check("D: update changes the content, not the time", function()
  return log.d, {{"enter", "s", 0}, {"cast", "arm", 0}, {"cast", "update", 100}, {"state_timeout", "updated", 300}}
end)
