-- names_released_before_exit.lua
-- otp-semantics §1.1: "So when a supervisor sees `EXIT`, the child's registered name is already
-- free and an immediate restart cannot hit `already_started`." A trapping parent restarts a
-- registered child from inside its EXIT handler, twice.
local E = require("lib.expect")

local got = {}

local function child()
  otp.register("worker", otp.self())
  otp.receive({go = true})
  otp.exit("crash")
end

sim.spawn(function()
  otp.process_flag("trap_exit", true)
  otp.spawn_link(child)
  for i = 1, 2 do
    otp.sleep(1)
    otp.send("worker", {go = true})
    local m = otp.receive({tag = "EXIT"})
    got[i] = {m.reason, otp.whereis("worker") or "undefined"}
    local pid = otp.spawn_link(child)                      -- restart at once
    otp.sleep(1)
    got[i][3] = otp.whereis("worker") == pid               -- the new child got the name
  end
end)

E.check("at EXIT the name is free; the restarted child registers it", function()
  return got, {{"crash", "undefined", true}, {"crash", "undefined", true}}
end)
