-- gen_server_hibernate_wakes_on_message.lua
-- otp-semantics §2.4: "`hibernate` calls `proc_lib:hibernate` (stack discarded, GC). The next
-- message wakes the process and it continues" — with its state, and no timeout fires while it
-- hibernates.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local Srv = {}
function Srv.init() return "ok", {n = 0}, "hibernate" end
function Srv.handle_cast(m, s)
  s.n = s.n + 1
  log[#log + 1] = {m, s.n, otp.now()}
  return "noreply", s, "hibernate"
end
function Srv.handle_call(req, from, s) return "reply", s.n, s, "hibernate" end
function Srv.handle_info(m, s) log[#log + 1] = {"info", m}; return "noreply", s end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)
  otp.sleep(100)
  otp.gen_server.cast(pid, "wake1")
  otp.sleep(100)
  otp.gen_server.cast(pid, "wake2")
  got.n = otp.gen_server.call(pid, "n")
  got.alive = otp.is_alive(pid)
end)

E.check("each message wakes the hibernating server with its state", function()
  return log, {{"wake1", 1, 100}, {"wake2", 2, 200}}
end)
E.check("state kept", function() return got, {n = 2, alive = true} end)
