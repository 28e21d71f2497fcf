-- demonitor_info.lua
-- otp-semantics §1.4: "`[info]` returns `false` if the monitor had already fired. [RUN:
-- `demonitor_info → false`, DOWN still queued; `[flush,info] → false`, queue clean]" and true
-- while the monitor was active.
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  -- active monitor: info -> true
  local a = otp.spawn(function() otp.receive() end)
  local ra = otp.monitor(a)
  got.active = otp.demonitor(ra, {info = true})
  otp.exit(a, "kill")

  -- fired: info -> false, DOWN still queued
  local b = otp.spawn(function() otp.exit("bye") end)
  local rb = otp.monitor(b)
  ids.b, ids.rb = b, rb
  otp.sleep(10)
  got.fired = otp.demonitor(rb, {info = true})
  got.fired_queue = otp.receive(0) or "nothing"

  -- fired: flush + info -> false, queue clean
  local c = otp.spawn(function() otp.exit("bye") end)
  local rc = otp.monitor(c)
  otp.sleep(10)
  got.flushed = otp.demonitor(rc, {flush = true, info = true})
  got.flushed_queue = otp.receive(0) or "nothing"

  -- a ref that was never a monitor: info -> false
  got.unknown = otp.demonitor(otp.make_ref(), {info = true})
  got.rest = otp.receive(50) or "nothing"
end)

E.check("demonitor info results and queue contents", function()
  return got, {
    active = true,
    fired = false,
    fired_queue = {tag = "DOWN", ref = ids.rb, type = "process", object = ids.b, reason = "bye"},
    flushed = false,
    flushed_queue = "nothing",
    unknown = false,
    rest = "nothing",
  }
end)
