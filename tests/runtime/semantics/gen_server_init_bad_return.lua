-- gen_server_init_bad_return.lua
-- otp-semantics §2.5: "A bad return → `{error,{bad_return_value,X}}`." In Lua: nil,
-- {"bad_return_value", X}, and the process exits with that reason.
local E = require("lib.expect")

local Srv = {}
function Srv.init() return "okay" end

local got = {}

sim.spawn(function()
  got.start = {otp.gen_server.start(Srv)}
  otp.process_flag("trap_exit", true)
  got.start_link = {otp.gen_server.start_link(Srv)}
  local m = otp.receive({tag = "EXIT"}, 100)
  got.exit = m and m.reason or "no EXIT"
end)

E.check("bad init return: nil, {bad_return_value, X}", function()
  return got, {start = {nil, {"bad_return_value", "okay"}},
               start_link = {nil, {"bad_return_value", "okay"}},
               exit = {"bad_return_value", "okay"}}
end)
