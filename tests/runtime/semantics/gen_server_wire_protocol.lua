-- gen_server_wire_protocol.lua
-- otp-semantics §2.1: "call: `{'$gen_call', {CallerPid, Tag}, Request}`. cast: `{'$gen_cast',
-- Msg}`. Anything else goes to `handle_info`." and "the reply is sent **to the alias**". A plain
-- process that speaks the protocol ({tag = "$gen_call", from = From, req = R}; replies with
-- gen_server.reply(From, V)) serves gen_server.call and gen_server.cast; a real gen_server
-- sends what a plain process sends to it to handle_info.
local E = require("lib.expect")

local seen, infos = {}, {}

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_info(m, s) infos[#infos + 1] = m; return "noreply", s end
function Srv.handle_call(req, from, s) return "reply", req, s end

local got = {}

sim.spawn(function()
  local fake = otp.spawn(function()
    for _ = 1, 2 do
      local m = otp.receive()
      seen[#seen + 1] = {m.tag, m.req or m.msg, otp.is_pid(m.from and m.from.pid),
                         otp.is_ref(m.from and m.from.ref)}
      if m.tag == "$gen_call" then otp.gen_server.reply(m.from, {answered = m.req}) end
    end
  end)
  got.call = otp.gen_server.call(fake, "q", 1000)
  got.cast = otp.gen_server.cast(fake, "c")
  local real = otp.gen_server.start(Srv)
  otp.send(real, {tag = "other", x = 1})
  otp.send(real, "plain")
  got.sync = otp.gen_server.call(real, "sync")
end)

E.check("a hand-written server sees the wire format and answers the call", function()
  return {got.call, got.cast, seen},
         {{answered = "q"}, "ok", {{"$gen_call", "q", true, true}, {"$gen_cast", "c", false, false}}}
end)
E.check("other messages go to handle_info", function()
  return {infos, got.sync}, {{{tag = "other", x = 1}, "plain"}, "sync"}
end)
