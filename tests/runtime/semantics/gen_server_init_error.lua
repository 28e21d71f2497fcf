-- gen_server_init_error.lua
-- otp-semantics §2.5: "An exception in `init` → `{error, R}` (for `error`: `{R,Stack}`)." A Lua
-- error gives nil, {message, traceback}; exit(R) in init gives nil, R. The caller lives on.
local E = require("lib.expect")

local Srv = {}
function Srv.init(how)
  if how == "error" then error("init failed") end
  otp.exit({"init_exit", 7})
end

local got = {}

sim.spawn(function()
  got.error = {otp.gen_server.start(Srv, "error")}
  got.exit = {otp.gen_server.start(Srv, "exit")}
  got.alive = true
end)

E.check("init raising: start returns nil and the reason", function()
  return got, {error = {nil, E.match_error("init failed")}, exit = {nil, {"init_exit", 7}}, alive = true}
end)
