-- gen_server_non_parent_exit_to_handle_info.lua
-- otp-semantics §2.6: "An `'EXIT'` from a linked process that is *not* the parent, received
-- while trapping, is delivered to `handle_info`, and the server lives on. [RUN]"
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init()
  otp.process_flag("trap_exit", true)
  return "ok", nil
end
function Srv.handle_call(req, from, s)
  if req == "spawn_worker" then
    local w = otp.spawn_link(function() otp.receive({go = true}); otp.exit("worker_failed") end)
    return "reply", w, s
  end
  return "reply", "alive", s
end
function Srv.handle_info(m, s) log[#log + 1] = {"info", m}; return "noreply", s end
function Srv.terminate(reason, s) log[#log + 1] = {"terminate", reason} end

local got = {}

sim.spawn(function()
  local pid = otp.gen_server.start_link(Srv)   -- this process is the parent
  local w = otp.gen_server.call(pid, "spawn_worker")
  got.w = w
  otp.send(w, {go = true})
  otp.sleep(10)
  got.still = otp.gen_server.call(pid, "ping")
  got.log = table.move(log, 1, #log, 1, {})
end)                                           -- the parent now exits normal

E.check("the worker's EXIT goes to handle_info; no terminate", function()
  return got.log, {{"info", {tag = "EXIT", from = got.w, reason = "worker_failed"}}}
end)
E.check("only the parent's EXIT (normal, when it returns) ends the server, via terminate", function()
  return log, {{"info", {tag = "EXIT", from = got.w, reason = "worker_failed"}}, {"terminate", "normal"}}
end)
E.check("the server lives on", function() return got.still, "alive" end)
