-- dist_connect_all_transitive.lua
-- otp-semantics §6.1: "Connections are set up on demand (send, spawn, link, monitor, ping). With
-- `connect_all` (the default) they are **transitive**: global connects to every node it learns
-- about." Here n1 connects to n2 and n2 is already connected to n3: within a few seconds n1 and
-- n3 are connected too (nodes() on n1 lists n2 and n3), without any operation between them.
-- In otpsim global starts lazily (docs/faults.md): here n2 uses it, and global's connect_all
-- spreads it to the nodes n2 connects to, as OTP's global on every node would.
local E = require("lib.expect")

sim.net{latency = 5}
for _, n in ipairs({"n1", "n2", "n3"}) do sim.node(n) end

local seen = {}
sim.spawn("n2", function() otp.global.start(); otp.connect_node("n3") end)
sim.spawn("n1", function()
  otp.sleep(100)
  otp.connect_node("n2")
  otp.sleep(5000)
  seen.n1 = otp.nodes()
  table.sort(seen.n1)
end)
sim.spawn("n3", function()
  otp.sleep(5100)
  seen.n3 = otp.nodes()
  table.sort(seen.n3)
end)
sim.run{duration = "10s"}

E.check("connect_all: n1 and n3 get connected through n2", function()
  return seen, {n1 = {"n2", "n3"}, n3 = {"n1", "n2"}}
end)
