-- gen_server_sys_get_state_while_suspended.lua
-- otp-semantics §2.7: "System messages `{system, From, Req}` are handled inside the loop before
-- user callbacks." "`sys:suspend` makes the process answer only system messages." "`sys:get_state`
-- works while suspended. [RUN]" A cast sent while suspended is handled after resume.
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init() return "ok", {v = 1} end
function Srv.handle_cast(m, s) log[#log + 1] = m; s.v = s.v + 1; return "noreply", s end

local function sys(pid, req)
  local ref = otp.monitor(pid, {alias = true})
  otp.send(pid, {tag = "$system", from = {pid = otp.self(), ref = ref}, req = req})
  local m = otp.receive({ref = ref}, 1000)
  otp.demonitor(ref, {flush = true})
  return m and m.value or "no reply"
end

local got = {}

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  got.suspend = sys(pid, "suspend")
  otp.gen_server.cast(pid, "while_suspended")
  otp.sleep(10)
  got.log_suspended = #log
  got.state_suspended = sys(pid, "get_state")
  got.resume = sys(pid, "resume")
  otp.sleep(10)
  got.state_after = sys(pid, "get_state")
end)

E.check("get_state answers while suspended; the cast waits for resume", function()
  return got, {suspend = "ok", log_suspended = 0, state_suspended = {v = 1}, resume = "ok",
               state_after = {v = 2}}
end)
E.check("the cast is handled once resumed", function() return log, {"while_suspended"} end)
