-- dist_nodedown_before_nodeup.lua
-- otp-semantics §1.7: "The `net_kernel:monitor_nodes` `nodedown` is delivered after all signals
-- from that connection, and a `nodedown` always precedes the `nodeup` of a new connection
-- (OTP ≥23)"; §9: "`nodedown` before a new `nodeup` for the same node: guaranteed (23+)".
-- Here (latency 5 ms, default ticks) a node restarts and reconnects at once, so the new
-- connection's handshake races the old connection's end:
--   a) n2 crashes at 1 s and restarts 1 ms later; its boot sends to {"w", "n1"} at once: n1's
--      subscriber gets nodedown (connection_closed, when the crash's CLOSE arrives), then nodeup,
--      then the message — nodedown first although the restart happened before the CLOSE arrived;
--   b) n3 crashes at 1 s during a partition from n1 and restarts at 2 s, its boot sending to n1
--      (held too); the partition heals at 5 s: n1 sees nodedown connection_closed at the heal,
--      then nodeup, then the message.
local E = require("lib.expect")

sim.net{latency = 5}
local function boot()
  if otp.now() > 0 then otp.send({"w", "n1"}, "hello from " .. otp.node()) end
end
sim.node("n1")
sim.node("n2", {boot = boot})
sim.node("n3", {boot = boot})

local got = {}
sim.spawn("n1", function()
  otp.register("w", otp.self())
  otp.monitor_nodes(true)
  otp.connect_node("n2")
  otp.connect_node("n3")
  while true do
    local m = otp.receive()
    local node = type(m) == "table" and m.node or m:match("from (%w+)")
    got[node] = got[node] or {}
    if type(m) == "table" then m = {m.tag, m.reason or "-"} end
    got[node][#got[node] + 1] = {m, otp.now()}
  end
end)

sim.at(1000, function() sim.crash("n2", {restart_after = 1}) end)
sim.at(900, function() sim.partition("n1", "n3") end)
sim.at(1000, function() sim.crash("n3", {restart_after = 1000}) end)
sim.at(5000, function() sim.heal() end)
sim.run{duration = "20s"}

E.check("a) fast restart: nodeup (first connection), nodedown, nodeup, message", function()
  return got.n2, {{{"nodeup", "-"}, E.match_between(0, 50)},
                  {{"nodedown", "connection_closed"}, E.match_between(1005, 1006)},
                  {{"nodeup", "-"}, E.match_between(1006, 1030)},
                  {"hello from n2", E.match_between(1006, 1030)}}
end)

E.check("b) crash and restart during a partition: at the heal, nodedown, then nodeup, then message", function()
  return got.n3, {{{"nodeup", "-"}, E.match_between(0, 50)},
                  {{"nodedown", "connection_closed"}, E.match_between(5005, 5006)},
                  {{"nodeup", "-"}, E.match_between(5006, 5030)},
                  {"hello from n3", E.match_between(5006, 5030)}}
end)
