-- gen_server_init_ignore.lua
-- otp-semantics §2.5: "`ignore` → `ignore`; the process exits `normal`." In Lua: start returns
-- nil, "ignore"; a trapping start_link caller then gets {EXIT, Pid, normal}; a registered name
-- is released.
local E = require("lib.expect")

local Srv = {}
function Srv.init() return "ignore" end

local got = {}

sim.spawn(function()
  got.start = {otp.gen_server.start(Srv, nil, {name = "svc"})}
  got.name = otp.whereis("svc") or "undefined"
  otp.process_flag("trap_exit", true)
  got.start_link = {otp.gen_server.start_link(Srv)}
  local m = otp.receive({tag = "EXIT"}, 100)
  got.exit = m and m.reason or "no EXIT"
end)

E.check("start returns nil, ignore; the process exits normal", function()
  return got, {start = {nil, "ignore"}, name = "undefined", start_link = {nil, "ignore"}, exit = "normal"}
end)
