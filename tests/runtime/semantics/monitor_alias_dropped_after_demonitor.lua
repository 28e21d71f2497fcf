-- monitor_alias_dropped_after_demonitor.lua
-- otp-semantics §1.4: "OTP 24+ **aliases**: `monitor(process, P, [{alias, demonitor}])` makes the
-- monitor reference usable as a send address. Messages sent to a **deactivated alias are
-- silently dropped**." The alias is deactivated by demonitor and by the DOWN.
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local me = otp.self()
  local t = otp.spawn(function() local m = otp.receive({go = true}); otp.exit("bye") end)
  local alias = otp.monitor(t, {alias = true})
  -- while active, a message to the alias reaches its owner
  otp.spawn(function(a) otp.send(a, {via = "alias", n = 1}) end, alias)
  got[1] = otp.receive({via = "alias"}, 100) or "nothing"
  -- after demonitor: dropped
  otp.demonitor(alias)
  otp.spawn(function(a) otp.send(a, {via = "alias", n = 2}) end, alias)
  got[2] = otp.receive({via = "alias"}, 100) or "nothing"
  -- a second alias, deactivated by the DOWN
  local alias2 = otp.monitor(t, {alias = true})
  otp.send(t, {go = true})
  got[3] = otp.receive({tag = "DOWN"}, 100).reason
  otp.spawn(function(a) otp.send(a, {via = "alias", n = 3}) end, alias2)
  got[4] = otp.receive({via = "alias"}, 100) or "nothing"
  -- a plain pid send still works
  otp.spawn(function() otp.send(me, {via = "pid"}) end)
  got[5] = otp.receive(100) or "nothing"
end)

E.check("alias delivers while active, drops after demonitor and after DOWN", function()
  return got, {{via = "alias", n = 1}, "nothing", "bye", "nothing", {via = "pid"}}
end)
