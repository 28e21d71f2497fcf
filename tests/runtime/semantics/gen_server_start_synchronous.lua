-- gen_server_start_synchronous.lua
-- otp-semantics §2.5: "The start is synchronous through `proc_lib` `init_ack`." start returns only
-- after init returned, so the state set in init is visible to the first call, and a name is
-- registered before start returns. start_link links the caller and the server.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local Srv = {}
function Srv.init(v)
  otp.sleep(40)
  return "ok", v
end
function Srv.handle_call(req, from, s) return "reply", s, s end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv, "ready", {name = "svc"})
  got.returned_at = otp.now()
  got.name = otp.whereis("svc") == pid
  got.state = otp.gen_server.call("svc", "get")
  otp.process_flag("trap_exit", true)
  local linked = otp.gen_server.start_link(Srv, "x")
  otp.exit(linked, "shutdown")
  local m = otp.receive({tag = "EXIT"}, 100)
  got.link = m and {m.from == linked, m.reason} or "no EXIT"
end)

E.check("start returns after init; name and state in place; start_link links", function()
  return got, {returned_at = 40, name = true, state = "ready", link = {true, "shutdown"}}
end)
