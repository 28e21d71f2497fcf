-- link_dead_pid_noproc_error.lua
-- otp-semantics §1.3: "Linking to a **non-existent local pid**: a caller that does **not** trap
-- exits gets a synchronous **`error:noproc` exception**."
-- In Lua the exception is an error with the value "noproc", caught by pcall; the caller lives
-- on and gets no message.
local E = require("lib.expect")

local got, down = {}, {}

sim.spawn(function()
  local dead, dref = otp.spawn_monitor(function() end)
  otp.receive({tag = "DOWN", ref = dref})          -- certainly dead now
  local p, pref = otp.spawn_monitor(function(dead)
    local ok, err = pcall(otp.link, dead)
    got[#got + 1] = {ok, err}
    got[#got + 1] = otp.receive(50) or "nothing"
    otp.exit("p_done")
  end, dead)
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("link to a dead pid raises noproc", function()
  return got, {{false, "noproc"}, "nothing"}
end)
E.check("the caller lives on", function() return down, {p = "p_done"} end)
