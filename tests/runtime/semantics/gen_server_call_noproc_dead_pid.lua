-- gen_server_call_noproc_dead_pid.lua
-- otp-semantics §2.2, row "target pid already dead | `{noproc, {gen_server,call,..}}`".
local E = require("lib.expect")

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_call(req, from, s) return "reply", req, s end

local got = {}

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  otp.gen_server.stop(pid)
  got.pid = pid
  got.result = E.catch(otp.gen_server.call, pid, "hello", 1000)
  got.infinity = E.catch(otp.gen_server.call, pid, "hello", "infinity")
  got.mailbox = otp.receive(10) or "empty"
end)

E.check("call to a dead pid exits noproc", function()
  return got, {pid = got.pid,
               result = {"exit", E.call_reason("noproc", got.pid, "hello", 1000)},
               infinity = {"exit", E.call_reason("noproc", got.pid, "hello", "infinity")},
               mailbox = "empty"}
end)
