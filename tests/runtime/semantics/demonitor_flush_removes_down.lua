-- demonitor_flush_removes_down.lua
-- otp-semantics §1.4: "`demonitor(Ref,[flush])` also removes it." Only that monitor's DOWN goes:
-- another monitor's DOWN and other messages stay, in order.
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  local b = otp.spawn(function() otp.receive({go = true}); otp.exit("bye") end)
  local r1 = otp.monitor(b)
  local r2 = otp.monitor(b)
  ids.b, ids.r2 = b, r2
  otp.send(otp.self(), "before")
  otp.send(b, {go = true})
  otp.sleep(10)                                   -- both DOWNs are queued
  otp.send(otp.self(), "after")
  otp.sleep(1)                                    -- (see send_self_then_poll.lua)
  got.result = otp.demonitor(r1, {flush = true})
  for i = 1, 3 do got[i] = otp.receive(0) or "nothing" end
  got[4] = otp.receive(0) or "nothing"
end)

E.check("flush removes only that monitor's DOWN", function()
  return got, {result = true, "before",
               {tag = "DOWN", ref = ids.r2, type = "process", object = ids.b, reason = "bye"},
               "after", "nothing"}
end)
