-- gen_statem_reply_action.lua
-- otp-semantics §4.1 step 1: "Execute actions in list order; replies are sent here."
-- A {"reply", from, value} action answers a call; so does otp.gen_statem.reply(from, value) later
-- (here from another event), and a reply action in a state enter call. The reply is sent while
-- the actions run, before the state enter call of the same transition: the caller has its answer
-- even if enter then sleeps. Two reply actions to one call send two replies.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local M = {callback_mode = {"handle_event_function", "state_enter"}}
function M.init() return "ok", "idle", {} end
function M.handle_event(ev, msg, state, data)
  if ev == "enter" then
    if state == "slow" then otp.sleep(50) end
    if data.waiting and state == "answered_on_enter" then
      local from = data.waiting
      data.waiting = nil
      return "keep_state", data, {{"reply", from, "from enter"}}
    end
    return "keep_state_and_data"
  end
  if type(ev) == "table" and ev[1] == "call" then
    local from = ev[2]
    if msg == "now" then return "keep_state_and_data", {"reply", from, "immediate"} end
    if msg == "later" then data.later = from; return "keep_state", data end
    if msg == "slow" then return "next_state", "slow", data, {{"reply", from, "before enter"}} end
    if msg == "on_enter" then data.waiting = from; return "next_state", "answered_on_enter", data end
    if msg == "two" then
      return "keep_state_and_data", {{"reply", from, "first"}, {"reply", from, "second"}}
    end
  end
  if ev == "cast" and msg == "release" then
    otp.gen_statem.reply(data.later, "deferred")
    return "keep_state_and_data"
  end
  return "keep_state_and_data"
end

local got = {}
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M, nil, {name = "r"})
  got.now = otp.gen_statem.call(pid, "now")
  otp.spawn(function() otp.sleep(20); otp.gen_statem.cast("r", "release") end)
  local t0 = otp.now()
  got.later = {otp.gen_statem.call(pid, "later"), otp.now() - t0}
  t0 = otp.now()
  got.slow = {otp.gen_statem.call(pid, "slow"), otp.now() - t0}
  got.on_enter = otp.gen_statem.call(pid, "on_enter")
  got.two = otp.gen_statem.call(pid, "two")
  otp.sleep(10)
  -- both replies arrived before the call deactivated its alias: the second stays in the mailbox,
  -- as on OTP 25.2.3 ({messages,[{Ref,second}]})
  got.stray = otp.receive(0)
end)

E.check("replies from actions, from reply() and from a state enter call", function()
  return got, {now = "immediate", later = {"deferred", 20}, slow = {"before enter", 0},
               on_enter = "from enter", two = "first",
               stray = {tag = "$reply", ref = E.ANY, value = "second"}}
end)
