-- gen_server_timeout_rearmed_after_system_msg.lua
-- otp-semantics §2.4: "Any message, **including a system message**, cancels it. After a system
-- message (`sys:get_state`, for example) the loop re-enters with the **full original Timeout**.
-- [RUN: timeout armed at 0, `sys:get_state` at 150 ms → `timeout` fired at 350 ms, not 200 ms]"
-- get_state is sent as the raw system message; the reply comes to a monitor alias.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local Srv = {}
function Srv.init() return "ok", {count = 7}, 200 end
function Srv.handle_info(m, s)
  log[#log + 1] = {m, otp.now()}
  return "noreply", s
end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)          -- timeout armed at t=0
  otp.sleep(150)
  local ref = otp.monitor(pid, {alias = true})
  otp.send(pid, {tag = "$system", from = {pid = otp.self(), ref = ref}, req = "get_state"})
  local m = otp.receive({ref = ref})
  otp.demonitor(ref, {flush = true})
  got.state = {m.value, otp.now()}
end)

E.check("get_state at t=150 answers the state", function()
  return got, {state = {{count = 7}, 150}}
end)
E.check("timeout fires at t=350, not 200 (not handled as an info)", function()
  return log, {{"timeout", 350}}
end)
