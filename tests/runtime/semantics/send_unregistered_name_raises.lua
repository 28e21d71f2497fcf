-- send_unregistered_name_raises.lua
-- otp-semantics §1.6: "Sending to an unregistered local atom raises `badarg`." The sender lives
-- on (the error is catchable) and nothing is delivered anywhere; uncaught, it kills the sender
-- with a {message, traceback} reason.
local E = require("lib.expect")

local got, down = {}, {}

sim.spawn(function()
  local ok, err = pcall(otp.send, "no_such_name", "hello")
  got.caught = {ok, err}
  got.rest = otp.receive(20) or "nothing"
  local p, pref = otp.spawn_monitor(function() otp.send("no_such_name", "hello") end)
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("send to an unregistered name raises", function()
  return got, {caught = {false, E.match_contains("no_such_name")}, rest = "nothing"}
end)
E.check("uncaught, it kills the sender", function()
  return down, {p = {E.match_contains("no_such_name"), E.match_contains("stack traceback")}}
end)
