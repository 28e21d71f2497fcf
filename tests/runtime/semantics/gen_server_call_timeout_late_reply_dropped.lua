-- gen_server_call_timeout_late_reply_dropped.lua
-- otp-semantics §2.2, row "server slower than timeout (book ch4 `timeout.erl`, `{sleep,1000}`
-- with 500) | exit `{timeout,{gen_server,call,[S,{sleep,1000},500]}}` at t=500. The server still
-- runs the request and replies at t=1000. **That late reply is dropped (alias deactivated):
-- the caller's mailbox is empty.** The server is unaffected."
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local Srv = {}
function Srv.init() return "ok", {served = {}} end
function Srv.handle_call(req, from, s)
  if type(req) == "table" and req[1] == "sleep" then
    otp.sleep(req[2])
    table.insert(s.served, otp.now())
    return "reply", "slept", s
  end
  return "reply", {served = s.served}, s
end

local got = {}

sim.spawn("n", function()
  local s = otp.gen_server.start(Srv, nil, {name = "s"})
  got.result = E.catch(otp.gen_server.call, "s", {"sleep", 1000}, 500)
  got.at = otp.now()
  otp.sleep(1000)                                      -- t = 1500: the late reply was sent at 1000
  got.mailbox = otp.receive(0) or "empty"
  got.server = otp.gen_server.call(s, "status")        -- still serving, it did the work
end)

E.check("caller exits {timeout, {gen_server, call, {s, {sleep, 1000}, 500}}} at t=500", function()
  return {got.result, got.at}, {{"exit", E.call_reason("timeout", "s", {"sleep", 1000}, 500)}, 500}
end)
E.check("the late reply (t=1000) never reaches the caller", function()
  return got.mailbox, "empty"
end)
E.check("the server is unaffected", function() return got.server, {served = {1000}} end)
