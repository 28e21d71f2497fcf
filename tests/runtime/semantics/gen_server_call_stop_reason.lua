-- gen_server_call_stop_reason.lua
-- otp-semantics §2.2, row "handler returns `{stop, my_reason, S}` | `{my_reason, ..}`"; §2.6
-- "terminate/2 is called [...] 1. A callback returned `{stop,…}`" and "The process exit reason
-- is R."
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init() return "ok", "s0" end
function Srv.handle_call(req, from, s) return "stop", "my_reason", "s1" end
function Srv.terminate(reason, s) log[#log + 1] = {"terminate", reason, s} end

local got = {}

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  local ref = otp.monitor(pid)
  got.result = E.catch(otp.gen_server.call, pid, "go", 1000)
  got.down = otp.receive({tag = "DOWN", ref = ref}, 100).reason
  got.pid = pid
end)

E.check("caller exits {my_reason, ...}; the server exits my_reason", function()
  return got, {pid = got.pid, result = {"exit", E.call_reason("my_reason", got.pid, "go", 1000)},
               down = "my_reason"}
end)
E.check("terminate(my_reason, S) with the returned state", function()
  return log, {{"terminate", "my_reason", "s1"}}
end)
