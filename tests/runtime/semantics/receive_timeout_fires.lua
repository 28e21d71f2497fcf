-- receive_timeout_fires.lua
-- Erlang's `receive ... after T`: with no matching message the receive returns after exactly T
-- (virtual time, on a node whose instructions cost nothing); a non-matching message neither
-- ends nor restarts the wait, a matching one ends it at once.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local got = {}

sim.spawn("n", function()
  local me = otp.self()
  local t0 = otp.now()
  got.plain = {otp.receive(100) or "nil", otp.now() - t0}
  otp.spawn(function() otp.sleep(30); otp.send(me, "noise") end)
  t0 = otp.now()
  got.noise = {otp.receive({k = "wanted"}, 100) or "nil", otp.now() - t0}
  otp.spawn(function() otp.sleep(40); otp.send(me, {k = "wanted"}) end)
  t0 = otp.now()
  got.match = {otp.receive({k = "wanted"}, 100), otp.now() - t0}
  got.noise_still_queued = otp.receive(0)
  t0 = otp.now()
  otp.sleep(25)
  got.sleep = otp.now() - t0
end)

E.check("timeouts and waits are exact", function()
  return got, {plain = {"nil", 100}, noise = {"nil", 100}, match = {{k = "wanted"}, 40},
               noise_still_queued = "noise", sleep = 25}
end)
