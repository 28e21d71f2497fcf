-- gen_server_call_stop_normal_reply.lua
-- otp-semantics §2.2, row "handler returns `{stop, normal, Reply, S}` | `Reply`, then `DOWN
-- normal`"; §2.6 "`{stop, R, Reply, S}` runs `terminate(R,S)` **before** the reply is sent. [...]
-- the caller sees the reply before `DOWN`. [SRC 1190; RUN: `terminate` event, then `reply`,
-- then `down`]"
local E = require("lib.expect")

local events = {}

local Srv = {}
function Srv.init() return "ok", "s0" end
function Srv.handle_call(req, from, s) return "stop", "normal", {bye = req}, "s1" end
function Srv.terminate(reason, s) events[#events + 1] = {"terminate", reason, s} end

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  local ref = otp.monitor(pid)                 -- a monitor of the caller's own
  local reply = otp.gen_server.call(pid, "now")
  events[#events + 1] = {"reply", reply}
  local down = otp.receive({tag = "DOWN", ref = ref}, 100)
  events[#events + 1] = {"down", down.reason}
end)

E.check("terminate, then reply, then DOWN normal", function()
  return events, {{"terminate", "normal", "s1"}, {"reply", {bye = "now"}}, {"down", "normal"}}
end)
