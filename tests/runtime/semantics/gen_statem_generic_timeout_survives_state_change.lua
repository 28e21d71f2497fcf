-- gen_statem_generic_timeout_survives_state_change.lua
-- otp-semantics §4.1 step 6: "**generic timeout** `{{timeout,Name},T,Msg}`: survives state
-- changes and events; re-setting the same Name restarts it; `infinity` cancels it. [RUN: survived
-- `other→idle`]"
-- In otpsim the action is {"generic_timeout", name, ms, msg} and the event type {"timeout", name}.
-- A: armed for 300 on entering `other`, back to `idle` at 100 plus an event at 150 → fires at 300
-- in idle (as on OTP 25.2.3). B: two names run independently; re-setting "g1" at 100 restarts it
-- (fires at 400); "g2" fires at 300. C: "infinity" (and "cancel") cancel it.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {a = {}, b = {}, c = {}}

local M = {callback_mode = "handle_event_function"}
function M.init(name) return "ok", "idle", name end
function M.handle_event(ev, msg, state, name)
  local l = log[name]
  l[#l + 1] = {ev, msg, state, otp.now()}
  if msg == "arm_other" then return "next_state", "other", name, {{"generic_timeout", "g", 300, "gm"}} end
  if msg == "back" then return "next_state", "idle", name end
  if msg == "arm2" then
    return "keep_state_and_data", {{"generic_timeout", "g1", 300, "m1"}, {"generic_timeout", "g2", 300, "m2"}}
  end
  if msg == "rearm1" then return "keep_state_and_data", {{"generic_timeout", "g1", 300, "m1"}} end
  if msg == "cancel" then
    return "next_state", "other", name, {{"generic_timeout", "g1", "infinity"}, {"generic_timeout", "g2", "cancel"}}
  end
  return "keep_state_and_data"
end

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
drive("a", {{0, "arm_other"}, {100, "back"}, {150, "noise"}})
drive("b", {{0, "arm2"}, {100, "rearm1"}})
drive("c", {{0, "arm2"}, {100, "cancel"}})

E.check("A: survives other -> idle and events", function()
  return log.a, {{"cast", "arm_other", "idle", 0}, {"cast", "back", "other", 100}, {"cast", "noise", "idle", 150},
                 {{"timeout", "g"}, "gm", "idle", 300}}
end)
E.check("B: names are independent; re-setting restarts", function()
  return log.b, {{"cast", "arm2", "idle", 0}, {"cast", "rearm1", "idle", 100}, {{"timeout", "g2"}, "m2", "idle", 300},
                 {{"timeout", "g1"}, "m1", "idle", 400}}
end)
E.check("C: infinity and cancel cancel it", function()
  return log.c, {{"cast", "arm2", "idle", 0}, {"cast", "cancel", "idle", 100}}
end)
