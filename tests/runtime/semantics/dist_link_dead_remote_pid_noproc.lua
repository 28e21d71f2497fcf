-- dist_link_dead_remote_pid_noproc.lua
-- otp-semantics §1.3: "Linking to a **non-existent local pid**: ... A caller that **does** trap
-- exits gets `true` back, then `{'EXIT', Pid, noproc}`. ... For a remote pid the check is not
-- "cheap", so the call returns `true` and an exit signal with reason `noproc` follows."
-- Here, with a 5 ms latency, a trapping process on n1:
--   a) links to a pid on n2 that has exited: otp.link returns true at once, then exactly one
--      {EXIT, Pid, noproc} arrives one round trip (10 ms) later; the caller lives on;
--   b) links to a pid on n3 after n3 crashed: true, then {EXIT, Pid, noconnection} (the link
--      cannot be set up: the connection attempt is refused; cf. §1.4 "Monitor to a remote
--      entity whose connection is lost: noconnection" and §1.7 "monitor(process, {foo,
--      Unreachable}) gives DOWN … noconnection").
local E = require("lib.expect")

sim.net{latency = 5}
for _, n in ipairs({"n1", "n2", "n3"}) do sim.node(n) end

local got = {}

sim.spawn("n1", function()
  otp.process_flag("trap_exit", true)
  local dead, ref = otp.spawn_monitor("n2", function() end)
  otp.receive({tag = "DOWN", ref = ref})
  local other = otp.spawn("n3", function() otp.receive() end)
  otp.sleep(100 - otp.now())

  -- a)
  local t = otp.now()
  got.a_ret = {otp.link(dead), otp.now() - t}
  local m = otp.receive(1000)
  got.a_msg = {m or "nothing", otp.now() - t, dead}
  got.a_more = otp.receive(1000) or "nothing"
  got.a_alive = true

  -- b) n3 crashes at 3 s
  otp.sleep(4000 - otp.now())
  t = otp.now()
  got.b_ret = otp.link(other)
  m = otp.receive(1000)
  got.b_msg = {m or "nothing", otp.now() - t, other}
  got.b_more = otp.receive(1000) or "nothing"
end)

sim.at(3000, function() sim.crash("n3") end)
sim.run{duration = "10s"}

E.check("a) link to a dead remote pid returns true at once (no exception)", function()
  return got.a_ret, {true, E.match_between(0, 1)}
end)

E.check("a) then exactly one {EXIT, Pid, noproc}, one round trip later; the caller lives", function()
  local m, dt, dead = table.unpack(got.a_msg)
  return {m, dt, got.a_more, got.a_alive},
         {{tag = "EXIT", from = dead, reason = "noproc"}, E.match_between(10, 11), "nothing", true}
end)

E.check("b) link to a pid on a crashed node: true, then exactly one {EXIT, Pid, noconnection}", function()
  local m, dt, other = table.unpack(got.b_msg)
  return {got.b_ret, m, dt, got.b_more},
         {true, {tag = "EXIT", from = other, reason = "noconnection"}, E.match_between(10, 21), "nothing"}
end)
