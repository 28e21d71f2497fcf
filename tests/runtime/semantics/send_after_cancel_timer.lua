-- send_after_cancel_timer.lua
-- erlang:send_after/3 and cancel_timer/1 (timers used by §2 timeouts): the message arrives
-- after exactly the delay; cancel_timer returns the time left and the message never comes;
-- cancelling a timer that already fired returns false. Also to a registered name.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local got = {}

sim.spawn("n", function()
  local me = otp.self()
  local t0 = otp.now()
  otp.send_after(50, me, "tick")
  local m = otp.receive(200)
  got.fired = {m, otp.now() - t0}

  local tref = otp.send_after(50, me, "never")
  otp.sleep(30)
  got.left = otp.cancel_timer(tref)
  got.cancelled = otp.receive(100) or "nothing"

  local fired = otp.send_after(10, me, "done")
  got.done = otp.receive(20)
  got.after_fire = otp.cancel_timer(fired)

  otp.register("me", me)
  t0 = otp.now()
  otp.send_after(5, "me", "by_name")
  got.by_name = {otp.receive(50), otp.now() - t0}
end)

E.check("send_after / cancel_timer", function()
  return got, {fired = {"tick", 50}, left = 20, cancelled = "nothing", done = "done", after_fire = false,
               by_name = {"by_name", 5}}
end)
