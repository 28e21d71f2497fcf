-- gen_server_call_reply.lua
-- otp-semantics §2.2, row "reply within timeout | `Reply`"; §2.1 "The caller's wait is: reply →
-- `demonitor(flush)` and return." Replies by {reply, ...}, and by {noreply, ...} followed by
-- gen_server:reply/2 from the server later; the caller's mailbox holds nothing afterwards.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local Srv = {}
function Srv.init(n) return "ok", {n = n} end
function Srv.handle_call(req, from, s)
  if req == "get" then return "reply", s.n, s end
  if req == "incr" then s.n = s.n + 1; return "reply", "ok", s end
  if req == "later" then
    otp.send_after(30, otp.self(), {deferred = from})   -- reply from handle_info
    return "noreply", s
  end
end
function Srv.handle_info(m, s)
  otp.gen_server.reply(m.deferred, {late_but_in_time = s.n})
  return "noreply", s
end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv, 41)
  got[1] = otp.gen_server.call(pid, "incr")
  got[2] = otp.gen_server.call(pid, "get", 100)
  got[3] = otp.gen_server.call(pid, "get", "infinity")
  local t0 = otp.now()
  got[4] = otp.gen_server.call(pid, "later", 100)
  got.later_ms = otp.now() - t0
  got.mailbox = otp.receive(50) or "empty"
  otp.gen_server.stop(pid)
end)

E.check("calls return the replies; nothing left in the mailbox", function()
  return got, {"ok", 42, 42, {late_but_in_time = 42}, later_ms = 30, mailbox = "empty"}
end)
