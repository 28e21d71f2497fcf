-- receive_after_zero_polls.lua
-- otp-semantics §1.1 (`receive ... after 0` as the oracle), §2.4 ("`Timeout = 0` fires
-- immediately unless a message is already queued"): receive with timeout 0 never waits. With a
-- queued match it returns it; with no match it returns nil at once, leaving the queue intact.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local got = {}

sim.spawn("n", function()
  local me = otp.self()
  got.empty = {otp.receive(0) or "nil", otp.now()}
  otp.spawn(function() otp.send(me, {k = "x"}); otp.send(me, {k = "y"}) end)
  otp.sleep(10)
  got.no_match = {otp.receive({k = "z"}, 0) or "nil", otp.now()}
  got.match = {otp.receive({k = "y"}, 0), otp.now()}
  got.left = {otp.receive(0), otp.receive(0) or "nil", otp.now()}
end)

E.check("receive(0) returns at once: nil when empty or no match, else the message", function()
  return got, {empty = {"nil", 0}, no_match = {"nil", 10}, match = {{k = "y"}, 10},
               left = {{k = "x"}, "nil", 10}}
end)
