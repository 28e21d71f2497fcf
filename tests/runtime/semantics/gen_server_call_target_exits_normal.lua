-- gen_server_call_target_exits_normal.lua
-- otp-semantics §2.2, row "target exits **normally** without replying | `{normal, ..}`".
-- Two ways: handle_call returns {stop, normal, S}; handle_call calls exit(normal).
local E = require("lib.expect")

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_call(req, from, s)
  if req == "stop" then return "stop", "normal", s end
  otp.exit("normal")
end

local got = {}

sim.spawn(function()
  local a = otp.gen_server.start(Srv)
  got.stop = E.catch(otp.gen_server.call, a, "stop")
  got.a = a
  local b = otp.gen_server.start(Srv)
  got.exit = E.catch(otp.gen_server.call, b, "exit", 1000)
  got.b = b
  got.mailbox = otp.receive(10) or "empty"
end)

E.check("the caller exits {normal, {gen_server, call, ...}}", function()
  return got, {a = got.a, b = got.b,
               stop = {"exit", E.call_reason("normal", got.a, "stop", 5000)},
               exit = {"exit", E.call_reason("normal", got.b, "exit", 1000)},
               mailbox = "empty"}
end)
