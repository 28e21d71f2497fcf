-- global_name_removed_on_node_crash.lua
-- otp-semantics §6.3: "A name is removed when its process dies or its node goes down; the
-- removal is eventual on other nodes." A crashed node is seen at once (§6.2: "A crashed node ...
-- is usually detected immediately by TCP, giving `connection_closed`").
-- Here n1 and n2 are in sync; n1 registers "on_n1" and n2 registers "on_n2" (pids on their own
-- nodes). n2 crashes at 1 s: n1's replica drops "on_n2" (the DOWN noconnection of global's
-- monitor). n2 restarts at 2 s with no global server and no names. At 2.5 s n1 pings n2: the
-- nodeup starts global on n2 (global runs on every node in OTP) and the nodes sync: n2 then
-- knows "on_n1" without any otp.global call of its own, and a process on n2 finds it.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local got = {}
local on_n1, on_n2

local function idle() otp.receive() end

sim.spawn("n2", function()
  otp.connect_node("n1")
  otp.global.sync()
  on_n2 = otp.spawn(idle)
  got.register_n2 = otp.global.register_name("on_n2", on_n2)
end)

sim.spawn("n1", function()
  otp.sleep(500)
  on_n1 = otp.spawn(idle)
  got.register_n1 = otp.global.register_name("on_n1", on_n1)
  got.before = otp.global.registered_names()
  otp.sleep(1000 - otp.now() + 10)   -- just after the crash
  got.after_crash = {otp.global.registered_names(), otp.global.whereis_name("on_n2")}
  otp.sleep(2500 - otp.now())
  got.ping = otp.ping("n2")
  got.sync = otp.global.sync()
end)

sim.at("1s", function() sim.crash("n2") end)
sim.at("1500ms", function() got.n2_down = otp.global.info("n2") end)   -- no server on n2
sim.at("2s", function() sim.restart("n2") end)
sim.at("2200ms", function() got.n2_restarted = otp.global.info("n2") end)

sim.at("3500ms", function()
  sim.spawn("n2", function()
    got.n2_view = {otp.global.registered_names(), otp.global.whereis_name("on_n1") == on_n1}
  end)
end)

sim.run{duration = "4s"}

E.check("n1 drops the crashed node's name at once", function()
  return {got.register_n2, got.register_n1, got.before, got.after_crash},
         {"yes", "yes", {"on_n1", "on_n2"}, {{"on_n1"}}}
end)

E.check("no global server on n2 while it is down and after its restart", function()
  return {got.n2_down == nil, got.n2_restarted == nil}, {true, true}
end)

E.check("after the restart and a ping, global runs on n2 again and has n1's name only", function()
  return {got.ping, got.sync, got.n2_view}, {"pong", "ok", {{"on_n1"}, true}}
end)
