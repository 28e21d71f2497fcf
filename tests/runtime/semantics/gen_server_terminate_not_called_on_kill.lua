-- gen_server_terminate_not_called_on_kill.lua
-- otp-semantics §2.6: "It is **not** called [...] when it is `kill`ed (brutal_kill)." Even when
-- the server traps exits; it dies killed.
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init()
  otp.process_flag("trap_exit", true)
  return "ok", nil
end
function Srv.handle_info(m, s) log[#log + 1] = {"info", m}; return "noreply", s end
function Srv.terminate(reason, s) log[#log + 1] = {"terminate", reason} end

local got = {}

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  local ref = otp.monitor(pid)
  otp.exit(pid, "kill")
  got.down = otp.receive({tag = "DOWN", ref = ref}).reason
end)

E.check("killed, without terminate", function()
  return {got.down, log}, {"killed", {}}
end)
