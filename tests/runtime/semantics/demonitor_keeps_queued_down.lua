-- demonitor_keeps_queued_down.lua
-- otp-semantics §1.4: "`demonitor(Ref)` guarantees no **future** `DOWN`, but one already queued
-- remains." [RUN: "DOWN still queued"]
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  -- demonitor before the death: no DOWN, ever
  local a = otp.spawn(function() otp.receive({go = true}); otp.exit("bye") end)
  local ra = otp.monitor(a)
  got.before_result = otp.demonitor(ra)
  otp.send(a, {go = true})
  got.before = otp.receive({tag = "DOWN"}, 100) or "nothing"

  -- demonitor after the DOWN is queued: it stays queued
  local b = otp.spawn(function() otp.exit("bye") end)
  local rb = otp.monitor(b)
  ids.b, ids.rb = b, rb
  otp.sleep(10)                                   -- b is dead, the DOWN is in the mailbox
  got.after_result = otp.demonitor(rb)
  got.after = otp.receive({tag = "DOWN"}, 0) or "nothing"
end)

E.check("demonitor before death: no DOWN", function()
  return {got.before_result, got.before}, {true, "nothing"}
end)
E.check("demonitor after death: the queued DOWN remains", function()
  return {got.after_result, got.after},
         {true, {tag = "DOWN", ref = ids.rb, type = "process", object = ids.b, reason = "bye"}}
end)
