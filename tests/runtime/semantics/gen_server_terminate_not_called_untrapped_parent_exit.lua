-- gen_server_terminate_not_called_untrapped_parent_exit.lua
-- otp-semantics §2.6: "It is **not** called when the server does not trap exits and receives a
-- lethal exit signal [...] [DOC + RUN: parent exit `shutdown`, not trapping → no terminate".
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.terminate(reason, s) log[#log + 1] = {"terminate", reason} end

local got = {}

sim.spawn(function()
  local parent, pref = otp.spawn_monitor(function(watcher)
    local pid = otp.gen_server.start_link(Srv)
    otp.send(watcher, {server = pid})
    otp.receive({go = true})
    otp.exit("shutdown")
  end, otp.self())
  local server = otp.receive({server = otp.any}).server
  local sref = otp.monitor(server)
  otp.send(parent, {go = true})
  got.parent = otp.receive({tag = "DOWN", ref = pref}).reason
  got.server = otp.receive({tag = "DOWN", ref = sref}).reason
end)

E.check("the server dies shutdown with its parent", function()
  return got, {parent = "shutdown", server = "shutdown"}
end)
E.check("terminate is not called", function() return log, {} end)
