-- gen_server_missing_handle_info_dropped.lua
-- otp-semantics §2.4: "A missing `handle_info/2` logs a warning and the message is dropped." The
-- server keeps its state and goes on serving.
local E = require("lib.expect")

local Srv = {}
function Srv.init() return "ok", {n = 5} end
function Srv.handle_call(req, from, s)
  s.n = s.n + 1
  return "reply", {n = s.n, queued = otp.receive(0) or "empty"}, s
end

local got = {}

sim.spawn(function()
  local pid = otp.gen_server.start(Srv)
  otp.send(pid, "stray")
  otp.send(pid, {some = "info"})
  got.reply = otp.gen_server.call(pid, "n")
  got.alive = otp.is_alive(pid)
end)

E.check("stray messages dropped; server alive with its state", function()
  return got, {reply = {n = 6, queued = "empty"}, alive = true}
end)
