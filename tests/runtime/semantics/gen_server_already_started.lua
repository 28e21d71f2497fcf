-- gen_server_already_started.lua
-- otp-semantics §2.5: "A name already in use → `{error,{already_started,Pid}}`. [RUN all]" The
-- second server's init never runs and the first keeps its name.
local E = require("lib.expect")

local inits = 0

local Srv = {}
function Srv.init() inits = inits + 1; return "ok", nil end
function Srv.handle_call(req, from, s) return "reply", req, s end

local got = {}

sim.spawn(function()
  local first = otp.gen_server.start(Srv, nil, {name = "svc"})
  got.first = first
  got.second = {otp.gen_server.start(Srv, nil, {name = "svc"})}
  got.third = {otp.gen_server.start_link(Srv, nil, {name = "svc"})}
  got.owner_is_first = otp.whereis("svc") == first
  got.serving = otp.gen_server.call("svc", "ping")
  got.inits = inits
end)

E.check("second start: nil, {already_started, FirstPid}", function()
  return got, {first = got.first,
               second = {nil, {"already_started", got.first}},
               third = {nil, {"already_started", got.first}},
               owner_is_first = true, serving = "ping", inits = 1}
end)
