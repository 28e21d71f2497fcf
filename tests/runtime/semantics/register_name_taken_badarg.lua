-- register_name_taken_badarg.lua
-- otp-semantics §1.6: "`register(Name, Pid)` raises `badarg` if the name is taken". The first
-- registration stays.
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local a = otp.spawn(function() otp.receive() end)
  local b = otp.spawn(function() otp.receive() end)
  got.first = otp.register("taken", a)
  local ok, err = pcall(otp.register, "taken", b)
  got.second = {ok, err}
  got.owner_is_a = otp.whereis("taken") == a
  got.b_free = {pcall(otp.register, "b_name", b)}        -- b itself had no name
  otp.exit(a, "kill"); otp.exit(b, "kill")
end)

E.check("register on a taken name raises badarg", function()
  return got, {first = true, second = {false, E.match_contains("badarg")}, owner_is_a = true,
               b_free = {true, true}}
end)
