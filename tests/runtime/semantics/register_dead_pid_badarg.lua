-- register_dead_pid_badarg.lua
-- otp-semantics §1.6: "`register(Name, Pid)` raises `badarg` [...] if Pid is not alive."
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local dead, ref = otp.spawn_monitor(function() end)
  otp.receive({tag = "DOWN", ref = ref})
  local ok, err = pcall(otp.register, "ghost", dead)
  got.result = {ok, err}
  got.whereis = otp.whereis("ghost") or "undefined"
end)

E.check("registering a dead pid raises badarg", function()
  return got, {result = {false, E.match_contains("badarg")}, whereis = "undefined"}
end)
