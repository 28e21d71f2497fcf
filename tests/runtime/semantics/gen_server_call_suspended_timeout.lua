-- gen_server_call_suspended_timeout.lua
-- otp-semantics §2.2, row "server suspended with `sys:suspend` | timeout. After `sys:resume` the
-- reply is dropped."; §2.7 "`sys:suspend` makes the process answer only system messages."
-- sys:suspend/resume are sent here as the raw system messages ({tag = "$system", from = {pid,
-- ref}, req = "suspend"}), replies awaited on a monitor alias.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local handled = {}

local Srv = {}
function Srv.init() return "ok", 0 end
function Srv.handle_call(req, from, s)
  handled[#handled + 1] = {req, otp.now()}
  return "reply", {echo = req}, s
end

local function sys(pid, req)
  local ref = otp.monitor(pid, {alias = true})
  otp.send(pid, {tag = "$system", from = {pid = otp.self(), ref = ref}, req = req})
  local m = otp.receive({ref = ref})
  otp.demonitor(ref, {flush = true})
  return m.value
end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)
  got.pid = pid
  got.suspend = sys(pid, "suspend")
  got.call = E.catch(otp.gen_server.call, pid, "q", 200)
  got.at = otp.now()
  got.resume = sys(pid, "resume")
  otp.sleep(100)
  got.mailbox = otp.receive(0) or "empty"
  got.after = otp.gen_server.call(pid, "r")
end)

E.check("a call to a suspended server times out at t=200", function()
  return {got.suspend, got.call, got.at},
         {"ok", {"exit", E.call_reason("timeout", got.pid, "q", 200)}, 200}
end)
E.check("after resume the pending call is served, its reply dropped", function()
  return {got.resume, got.mailbox, got.after, handled},
         {"ok", "empty", {echo = "r"}, {{"q", 200}, {"r", 300}}}
end)
