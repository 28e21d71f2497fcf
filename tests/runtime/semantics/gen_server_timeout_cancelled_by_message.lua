-- gen_server_timeout_cancelled_by_message.lua
-- otp-semantics §2.4: "`handle_info(timeout, S)` runs only if **no message at all** arrives
-- within Timeout. Any message [...] cancels it." A cast at t=60 (timeout 100 armed at 0) cancels
-- it; the cast's own return decides the next timeout (here: 100 again -> fires at 160); a call
-- that returns no timeout leaves none armed.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local Srv = {}
function Srv.init() return "ok", {}, 100 end
function Srv.handle_cast(msg, s)
  log[#log + 1] = {"cast " .. msg, otp.now()}
  return "noreply", s, 100
end
function Srv.handle_call(req, from, s)
  log[#log + 1] = {"call " .. req, otp.now()}
  return "reply", "ok", s
end
function Srv.handle_info(m, s)
  log[#log + 1] = {m, otp.now()}
  return "noreply", s, 100
end

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)
  otp.sleep(60)
  otp.gen_server.cast(pid, "a")                  -- t=60: no timeout at 100
  otp.sleep(150)                                 -- timeout at 160 (100 after the cast), 260 ...
  otp.gen_server.call(pid, "quiet")              -- t=210: cancels the one due at 260; none after
  otp.sleep(500)
end)

E.check("only the idle periods time out", function()
  return log, {{"cast a", 60}, {"timeout", 160}, {"call quiet", 210}}
end)
