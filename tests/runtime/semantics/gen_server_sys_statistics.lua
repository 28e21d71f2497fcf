-- gen_server_sys_statistics.lua
-- otp-semantics §2.7: "`messages_in` counts every non-system message the behaviour receives:
-- calls, casts, infos and `timeout`. `messages_out` counts replies sent. [RUN: 2 calls + 1 cast
-- + 1 info → `messages_in 4, messages_out 2`]". The same workload plus one more cast and the
-- timeout it arms (a timeout counts as a message in). Counting starts with
-- sys:statistics(P, true); before that, get answers no_statistics (as OTP's sys does).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_call(req, from, s) return "reply", req, s end
function Srv.handle_cast(m, s) return "noreply", s, 10 end   -- a timeout follows
function Srv.handle_info(m, s) return "noreply", s end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)
  got.before = otp.sys.statistics(pid, "get")
  otp.sys.statistics(pid, true)
  otp.gen_server.call(pid, "plain")
  otp.gen_server.call(pid, "second")
  otp.gen_server.cast(pid, "c")
  otp.send(pid, "info")                            -- cancels the 10 ms timeout ...
  otp.sleep(50)                                    -- ... so no timeout here
  otp.gen_server.cast(pid, "c2")                   -- a 10 ms timeout fires at t=60
  otp.sleep(50)
  local ref = otp.monitor(pid, {alias = true})
  otp.send(pid, {tag = "$system", from = {pid = otp.self(), ref = ref}, req = {"statistics", "get"}})
  local m = otp.receive({ref = ref})
  got.stats = {messages_in = m.value.messages_in, messages_out = m.value.messages_out}
end)

E.check("no statistics before they are switched on", function()
  return got.before, "no_statistics"
end)
E.check("2 calls + 2 casts + 1 info + 1 timeout in, 2 replies out", function()
  return got.stats, {messages_in = 6, messages_out = 2}
end)
