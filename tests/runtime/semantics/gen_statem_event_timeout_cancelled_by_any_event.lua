-- gen_statem_event_timeout_cancelled_by_any_event.lua
-- otp-semantics §4.1 step 6: "**event timeout** `{timeout,T,Msg}` / integer: **cancelled by any
-- event**, including postponed/inserted ones or a zero state timeout generated earlier."
-- Machine A arms {timeout, 100}: alone it fires at t=100; a cast at t=50 cancels it. Machine B
-- arms it with a next_event in the same action list: the inserted event cancels it. Machine C
-- arms it while a postponed event is replayed by the same transition: the replay cancels it. A
-- plain number is an event timeout whose content is the number. Machine E: the timeout fires while
-- the event that cancels it is still being handled (its callback sleeps past the deadline): the
-- timer's message is already in the mailbox, and is dropped all the same.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {a = {}, b = {}, c = {}, d = {}, e = {}}

local M = {callback_mode = "handle_event_function"}
function M.init(name) return "ok", "s", name end
function M.handle_event(ev, msg, state, name)
  local l = log[name]
  if ev == "timeout" then l[#l + 1] = {"timeout", msg, otp.now()}; return "keep_state_and_data" end
  l[#l + 1] = {ev, msg, otp.now()}
  if msg == "arm" then return "keep_state_and_data", {{"timeout", 100, "fired"}} end
  if msg == "arm_number" then return "keep_state_and_data", 100 end
  if msg == "arm_insert" then
    return "keep_state_and_data", {{"timeout", 100, "fired"}, {"next_event", "internal", "x"}}
  end
  if msg == "slow" then otp.sleep(100); return "keep_state_and_data" end
  if msg == "hold" then return "next_state", "holding", name end
  if state == "holding" and msg == "p" then return "keep_state_and_data", "postpone" end
  if msg == "release_arm" then return "next_state", "s", name, {{"timeout", 100, "fired"}} end
  return "keep_state_and_data"
end

sim.spawn("n", function()
  local a = otp.gen_statem.start(M, "a")
  otp.gen_statem.cast(a, "arm")
  otp.sleep(200)                               -- fires at 100
  otp.gen_statem.cast(a, "arm")                -- t=200
  otp.sleep(50)
  otp.gen_statem.cast(a, "noise")              -- t=250: cancels
  otp.sleep(200)
  local b = otp.gen_statem.start(M, "b")
  otp.gen_statem.cast(b, "arm_insert")         -- t=450
  otp.sleep(200)
  local c = otp.gen_statem.start(M, "c")
  otp.gen_statem.cast(c, "hold")               -- t=650
  otp.gen_statem.cast(c, "p")
  otp.gen_statem.cast(c, "release_arm")
  otp.sleep(200)
  local d = otp.gen_statem.start(M, "d")
  otp.gen_statem.cast(d, "arm_number")         -- t=850
  otp.sleep(200)
  local e = otp.gen_statem.start(M, "e")
  otp.gen_statem.cast(e, "arm")                -- t=1050, for 1150
  otp.sleep(50)
  otp.gen_statem.cast(e, "slow")               -- t=1100, handled until 1200
  otp.sleep(300)
end)

E.check("A: fires when no event comes, not after a cast", function()
  return log.a, {{"cast", "arm", 0}, {"timeout", "fired", 100}, {"cast", "arm", 200}, {"cast", "noise", 250}}
end)
E.check("B: an inserted event cancels it", function()
  return log.b, {{"cast", "arm_insert", 450}, {"internal", "x", 450}}
end)
E.check("C: a replayed postponed event cancels it", function()
  return log.c, {{"cast", "hold", 650}, {"cast", "p", 650}, {"cast", "release_arm", 650}, {"cast", "p", 650}}
end)
E.check("D: a number is an event timeout with the number as content", function()
  return log.d, {{"cast", "arm_number", 850}, {"timeout", 100, 950}}
end)
E.check("E: a timeout that fired during the cancelling event is dropped", function()
  return log.e, {{"cast", "arm", 1050}, {"cast", "slow", 1100}}
end)
