-- gen_server_continue_before_queued.lua
-- otp-semantics §2.4: "`{continue, C}` runs `handle_continue(C, S)` **immediately**, before any
-- queued message. [RUN: mailbox `[cast1, call(→{reply,ok,S,{continue,x}}), cast2]` → cast1,
-- call, **continue**, cast2]". The server is kept busy while the three messages queue up.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local Srv = {}
function Srv.init() return "ok", {} end
function Srv.handle_cast(msg, s)
  if msg == "block" then otp.sleep(100); return "noreply", s end
  log[#log + 1] = {msg, otp.now()}
  return "noreply", s
end
function Srv.handle_call(req, from, s)
  log[#log + 1] = {req, otp.now()}
  return "reply", "ok", s, {continue = "x"}
end
function Srv.handle_continue(c, s)
  log[#log + 1] = {"continue " .. c, otp.now()}
  -- a continue may chain another continue, still before the queue
  if c == "x" then return "noreply", s, {continue = "y"} end
  return "noreply", s
end

local reply = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)
  otp.gen_server.cast(pid, "block")             -- t=0: the server is busy until t=100
  otp.gen_server.cast(pid, "cast1")
  otp.sleep(10)
  otp.spawn(function() reply.call = otp.gen_server.call(pid, "call") end)
  otp.sleep(10)
  otp.gen_server.cast(pid, "cast2")             -- t=20
end)

E.check("cast1, call, continue x, continue y, cast2 (all at t=100)", function()
  return log, {{"cast1", 100}, {"call", 100}, {"continue x", 100}, {"continue y", 100}, {"cast2", 100}}
end)
E.check("the caller got its reply", function() return reply, {call = "ok"} end)
