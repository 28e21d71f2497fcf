-- service_stub.lua
-- sim/service.h: sim.service is a gen_server-compatible stub: a call is answered with `reply`
-- once `work` of CPU has been spent, a cast costs `work` and has no answer, and calls queue in
-- its mailbox (one process: one core at a time). It is registered under its name and comes back
-- when its node restarts. Here: calls from a process (otp.gen_server.call, local and remote by
-- {name, node}), three calls at once (answered at 10, 20, 30 ms: FIFO, one at a time), a cast
-- between calls (it delays the next answer by its work), and a restart after a crash.
local E = require("lib.expect")

sim.node("c", {instr_ns = 0})
sim.node("s", {cores = 4, instr_ns = 0})
sim.net{latency = 0}
sim.service{name = "db", node = "s", work = 10, reply = {value = 42}}

local got = {}
sim.spawn("s", function()
  local t0 = otp.now()
  got.local_reply = otp.gen_server.call("db", "anything")
  got.local_ms = otp.now() - t0
end)
sim.at(100, function()
  for i = 1, 3 do
    sim.spawn("c", function()
      local t0 = otp.now()
      otp.gen_server.call({"db", "s"}, i)
      got["concurrent" .. i] = otp.now() - t0
    end)
  end
end)
sim.at(200, function()
  sim.spawn("c", function()
    otp.gen_server.cast({"db", "s"}, "work please")
    local t0 = otp.now()
    otp.gen_server.call({"db", "s"}, "after the cast")
    got.after_cast = otp.now() - t0
  end)
end)
sim.at(300, function() sim.crash("s") end)
sim.at(400, function() sim.restart("s") end)
sim.at(500, function()
  sim.spawn("c", function() got.after_restart = otp.gen_server.call({"db", "s"}, "again") end)
end)
sim.run{duration = "1s"}

E.check("a call is answered with the reply after the work", function()
  return {got.local_reply, got.local_ms}, {{value = 42}, 10}
end)
E.check("calls queue: three at once are answered at 10, 20 and 30 ms", function()
  local t = {got.concurrent1, got.concurrent2, got.concurrent3}
  table.sort(t)
  return t, {10, 20, 30}
end)
E.check("a cast costs its work, no answer", function() return got.after_cast, 20 end)
E.check("the service comes back with its node", function() return got.after_restart, {value = 42} end)
