-- link_and_monitor_exit_before_down.lua
-- otp-semantics §1.1: "Observed but **not guaranteed**: a dying process that is both linked to
-- and monitored by the same process delivers `{'EXIT',..}` before `{'DOWN',..}`, whatever the
-- order in which the link and monitor were created. [RUN] Do not encode this as a requirement.
-- Pick one order and make it deterministic." otpsim's pick (docs/otp-differences.md): always
-- EXIT first, then DOWN — checked for both creation orders and several seeds' worth of runs.
local E = require("lib.expect")

local orders = {}

local function case(monitor_first)
  local q = otp.spawn(function() otp.receive({go = true}); otp.exit("bye") end)
  if monitor_first then otp.monitor(q); otp.link(q) else otp.link(q); otp.monitor(q) end
  otp.send(q, {go = true})
  local a = otp.receive()
  local b = otp.receive()
  return {a.tag, b.tag}
end

sim.spawn(function()
  otp.process_flag("trap_exit", true)
  for i = 1, 3 do
    orders["link_first_" .. i] = case(false)
    orders["monitor_first_" .. i] = case(true)
  end
end)

E.check("EXIT, then DOWN, whatever the creation order", function()
  local want = {}
  for i = 1, 3 do
    want["link_first_" .. i] = {"EXIT", "DOWN"}
    want["monitor_first_" .. i] = {"EXIT", "DOWN"}
  end
  return orders, want
end)
