-- gen_server_terminate_called_trapping_parent_exit.lua
-- otp-semantics §2.6: "terminate/2 is called [...] 4. An `{'EXIT', Parent, R}` arrived **and the
-- server traps exits**. Parent is whoever spawned it through `start_link`." [RUN: trapping →
-- `terminate(shutdown)`]; the process exit reason is R; the parent EXIT is not handed to
-- handle_info.
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init()
  otp.process_flag("trap_exit", true)
  return "ok", "s0"
end
function Srv.handle_info(m, s) log[#log + 1] = {"info", m}; return "noreply", s end
function Srv.terminate(reason, s) log[#log + 1] = {"terminate", reason, s} end

local got = {}

sim.spawn(function()
  local parent, pref = otp.spawn_monitor(function(watcher)
    local pid = otp.gen_server.start_link(Srv)
    otp.send(watcher, {server = pid})
    otp.receive({go = true})
    otp.exit("shutdown")
  end, otp.self())
  local server = otp.receive({server = otp.any}).server
  local sref = otp.monitor(server)
  otp.send(parent, {go = true})
  got.parent = otp.receive({tag = "DOWN", ref = pref}).reason
  got.server = otp.receive({tag = "DOWN", ref = sref}).reason
end)

E.check("terminate(shutdown, S) is called, nothing else", function()
  return log, {{"terminate", "shutdown", "s0"}}
end)
E.check("the server exits shutdown", function()
  return got, {parent = "shutdown", server = "shutdown"}
end)
