-- gen_server_call_self.lua
-- otp-semantics §2.2, row "call to self | `{calling_self, ..}` (checked before sending)"; §1.5
-- "`calling_self`". Checked before sending: nothing reaches the mailbox, no timeout wait.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local Srv = {}
function Srv.init() return "ok", {} end
function Srv.handle_call(req, from, s)
  if req == "self_call" then
    local r = E.catch(otp.gen_server.call, otp.self(), "inner", 1000)
    local r2 = E.catch(otp.gen_server.call, "me", "inner_by_name", 1000)
    return "reply", {r, r2, otp.now(), otp.receive(0) or "empty"}, s
  end
  return "reply", req, s
end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv, nil, {name = "me"})
  got.pid = pid
  got.result = otp.gen_server.call(pid, "self_call")
end)

E.check("a gen_server calling itself exits calling_self at once", function()
  return got, {pid = got.pid, result = {
    {"exit", E.call_reason("calling_self", got.pid, "inner", 1000)},
    {"exit", E.call_reason("calling_self", "me", "inner_by_name", 1000)},
    0, "empty"}}
end)
