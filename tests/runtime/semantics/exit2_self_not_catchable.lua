-- exit2_self_not_catchable.lua
-- otp-semantics §1.2: exit/2 sends an exit *signal* ("All inter-process interaction is
-- asynchronous signals", §1.1); rows "not set | other R | no | dies with R" and "sender =
-- receiver ... receiver dies with `normal`". A signal is not an exception: Erlang's
-- `catch exit(self(), boom)` does not save the process (only exit/1 raises an exception that
-- catch can stop). So pcall(otp.exit, otp.self(), R) must not keep a non-trapping process alive.
local E = require("lib.expect")

local down, after = {}, {}

sim.spawn(function()
  for _, reason in ipairs({"boom", "normal", "kill"}) do
    local p, pref = otp.spawn_monitor(function(r)
      local ok = pcall(otp.exit, otp.self(), r)
      after[#after + 1] = {r, ok}           -- must not happen
    end, reason)
    down[reason] = otp.receive({tag = "DOWN", ref = pref}).reason
  end
  -- contrast: exit/1 is an exception, and pcall does catch it
  local c, cref = otp.spawn_monitor(function()
    local ok, e = pcall(otp.exit, "caught")
    after[#after + 1] = {"exit1", ok, e.reason}
  end)
  down.exit1 = otp.receive({tag = "DOWN", ref = cref}).reason
end)

E.check("exit(self(), R) inside pcall still kills with R (killed for kill)", function()
  return down, {boom = "boom", normal = "normal", kill = "killed", exit1 = "normal"}
end)
E.check("only exit/1 is caught by pcall", function()
  return after, {{"exit1", false, "caught"}}
end)
