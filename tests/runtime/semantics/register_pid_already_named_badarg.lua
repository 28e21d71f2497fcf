-- register_pid_already_named_badarg.lua
-- otp-semantics §1.6: "`register(Name, Pid)` raises `badarg` [...] if Pid already has a name".
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local a = otp.spawn(function() otp.receive() end)
  otp.register("first_name", a)
  local ok, err = pcall(otp.register, "second_name", a)
  got.second = {ok, err}
  got.second_free = otp.whereis("second_name") or "undefined"
  got.first_kept = otp.whereis("first_name") == a
  otp.exit(a, "kill")
end)

E.check("a process with a name cannot take a second one", function()
  return got, {second = {false, E.match_contains("badarg")}, second_free = "undefined",
               first_kept = true}
end)
