-- gen_server_call_handler_error.lua
-- otp-semantics §2.2, row "handler raises `error(boom)` | `{{boom, Stack}, ..}` (server's
-- `terminate/2` runs first with `{boom,Stack}`)"; §2.6 "terminate/2 is called [...] 2. A
-- callback raised. The reason is `{R,Stack}` for `error`". A Lua error in handle_call kills the
-- server with a reason carrying the message; the caller's call fails with it; the simulation
-- carries on (other processes, later events, exit code 0).
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init() return "ok", "state0" end
function Srv.handle_call(req, from, s)
  if req == "crash" then error("boom in handle_call") end
  return "reply", req, s
end
function Srv.terminate(reason, s)
  log[#log + 1] = {"terminate", reason, s}
end

local got, after = {}, {}
local err = E.match_error("boom in handle_call")

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  local ref = otp.monitor(pid)
  got.first = otp.gen_server.call(pid, "fine")
  got.crash = E.catch(otp.gen_server.call, pid, "crash")
  log[#log + 1] = "caller_saw_exit"
  got.pid = pid
  got.down = otp.receive({tag = "DOWN", ref = ref}, 100).reason
  got.again = E.catch(otp.gen_server.call, pid, "fine")
end)

-- the simulation carries on: another process and a later scenario event
sim.spawn(function() otp.sleep(500); after.process = otp.now() >= 500 end)
sim.at(1000, function() after.event = sim.now() end)

E.check("terminate runs first with {message, traceback}", function()
  return log, {{"terminate", err, "state0"}, "caller_saw_exit"}
end)
E.check("the caller's call exits {{message, traceback}, {gen_server, call, ...}}", function()
  return got, {pid = got.pid, first = "fine",
               crash = {"exit", {err, {"gen_server", "call", {got.pid, "crash", 5000}}}},
               down = err,
               again = {"exit", E.call_reason("noproc", got.pid, "fine", 5000)}}
end)
E.check("the simulation carries on", function() return after, {process = true, event = 1000} end)
