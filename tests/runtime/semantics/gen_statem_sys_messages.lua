-- gen_statem_sys_messages.lua
-- otp-semantics §2.7 (sys, for every behaviour): "System messages `{system, From, Req}` are
-- handled inside the loop before user callbacks." "`sys:suspend` makes the process answer only
-- system messages." "`sys:get_state` works while suspended." For gen_statem, sys:get_state
-- returns {State, Data} and replace_state's function maps {State, Data} to {State, Data}.
-- §4.1 step 6: a system message is not an event: it cancels no event timeout. sys statistics
-- count events received (messages_in) and replies sent (messages_out). sys log keeps gen_statem's
-- debug events ({"in", {type, content}, state}, {"out", reply, pid}, {"consume", ...}).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init() return "ok", "idle", 0 end
function M.idle(ev, msg, n)
  log[#log + 1] = {ev, msg, otp.now()}
  if ev[1] == "call" then return "keep_state", n + 1, {{"reply", ev[2], n}} end
  if msg == "arm" then return "keep_state", n + 1, {{"timeout", 100, "ev"}} end
  return "keep_state", n + 1
end

local got = {}
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M, nil, {name = "m"})
  got.stats_on = otp.sys.statistics(pid, true)
  otp.gen_statem.cast(pid, "arm")               -- t=0, event timeout for t=100
  otp.sleep(50)
  got.state = otp.sys.get_state(pid)            -- t=50: no event, the timeout stays
  otp.sleep(100)
  got.suspend = otp.sys.suspend(pid)            -- t=150
  otp.gen_statem.cast(pid, "while_suspended")
  otp.sleep(10)
  got.suspended_state = otp.sys.get_state(pid)
  got.replaced = otp.sys.replace_state(pid, function(sd) return {sd[1], sd[2] * 10} end)
  got.resume = otp.sys.resume(pid)
  otp.sleep(10)
  otp.sys.log(pid, true)
  got.call = otp.gen_statem.call(pid, "q")
  got.sys_log = otp.sys.log(pid, "get")
  local st = otp.sys.statistics(pid, "get")
  got.stats = {st.messages_in, st.messages_out}
end)

E.check("sys answers with {state, data}; the cast waits for resume", function()
  return got, {stats_on = "ok", state = {"idle", 1}, suspend = "ok", suspended_state = {"idle", 2},
               replaced = {"idle", 20}, resume = "ok", call = 21,
               sys_log = {{"in", {{"call", E.ANY}, "q"}, "idle"}, {"out", 21, E.ANY},
                          {"consume", {{"call", E.ANY}, "q"}, "idle", "idle"}},
               stats = {4, 1}}
end)
E.check("events: the timeout fired at 100 despite get_state at 50", function()
  return log, {{"cast", "arm", 0}, {"timeout", "ev", 100}, {"cast", "while_suspended", 160},
               {{"call", E.ANY}, "q", 170}}
end)
