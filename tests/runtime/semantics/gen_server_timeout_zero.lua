-- gen_server_timeout_zero.lua
-- otp-semantics §2.4: "`Timeout = 0` fires immediately unless a message is already queued."
-- Server A: nothing queued -> timeout at once (t=0 after init). Server B: a message arrived
-- while init ran -> handle_info(msg) first, and no timeout (its return sets none).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {a = {}, b = {}}

local function server(tag, delay)
  local Srv = {}
  function Srv.init()
    if delay then otp.sleep(delay) end
    return "ok", tag, 0
  end
  function Srv.handle_info(m, s)
    table.insert(log[s], {m, otp.now()})
    return "noreply", s
  end
  return Srv
end

sim.spawn("n", function()
  otp.gen_server.start(server("a"))
  otp.sleep(100)
end)
sim.spawn("n", function()
  local pid = otp.gen_server.start(server("b", 50), nil, {name = "b"})
  otp.sleep(100)
end)
sim.spawn("n", function()
  otp.sleep(10)
  otp.send("b", "queued")                        -- t=10, while b's init sleeps
end)

E.check("nothing queued: timeout at once", function() return log.a, {{"timeout", 0}} end)
E.check("a queued message wins over timeout 0", function() return log.b, {{"queued", 50}} end)
