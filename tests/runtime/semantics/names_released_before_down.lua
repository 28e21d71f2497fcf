-- names_released_before_down.lua
-- otp-semantics §1.1: "Link `EXIT` and `DOWN` signals from a dying process are sent only
-- **after its "directly visible resources" (registered names, ETS tables) are released**
-- [...] [RUN: `whereis` returns `undefined` right after `DOWN`, and re-registering succeeds]"
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local v, vref = otp.spawn_monitor(function()
    otp.register("svc", otp.self())
    otp.receive({go = true})
    otp.exit("crash")
  end)
  otp.sleep(1)
  got.before = otp.whereis("svc") == v
  otp.send("svc", {go = true})
  local d = otp.receive({tag = "DOWN", ref = vref})
  -- inside the DOWN handler: the name is already free
  got.reason = d.reason
  got.whereis = otp.whereis("svc") or "undefined"
  got.registered = otp.registered()
  local new = otp.spawn(function() otp.receive() end)
  got.reregister = {pcall(otp.register, "svc", new)}
  got.now_new = otp.whereis("svc") == new
  otp.exit(new, "kill")
end)

E.check("name free right at DOWN; re-register succeeds", function()
  return got, {before = true, reason = "crash", whereis = "undefined", registered = {},
               reregister = {true, true}, now_new = true}
end)
