-- gen_server_callback_bad_return.lua
-- otp-semantics §2.6: "terminate/2 is called [...] 3. A callback returned a bad value:
-- `{bad_return_value,X}`." and "The process exit reason is R." A pending caller exits with it.
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init() return "ok", "s0" end
function Srv.handle_cast(m, s) return "whatever" end
function Srv.handle_call(req, from, s) return "bogus" end
function Srv.terminate(reason, s) log[#log + 1] = {reason, s} end

local got = {}

sim.spawn(function()
  local a = otp.gen_server.start(Srv)
  local ra = otp.monitor(a)
  otp.gen_server.cast(a, "x")
  got.cast_down = otp.receive({tag = "DOWN", ref = ra}).reason
  local b = otp.gen_server.start(Srv)
  got.b = b
  got.call = E.catch(otp.gen_server.call, b, "y")
end)

E.check("bad returns stop the server with {bad_return_value, X}", function()
  return got, {cast_down = {"bad_return_value", "whatever"}, b = got.b,
               call = {"exit", E.call_reason({"bad_return_value", "bogus"}, got.b, "y", 5000)}}
end)
E.check("terminate ran with that reason each time", function()
  return log, {{{"bad_return_value", "whatever"}, "s0"}, {{"bad_return_value", "bogus"}, "s0"}}
end)
