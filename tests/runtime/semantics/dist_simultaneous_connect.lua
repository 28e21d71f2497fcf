-- dist_simultaneous_connect.lua
-- otp-semantics §6.1: "Connections are set up on demand"; sim/net.h: "Every pair of nodes has at
-- most one connection, set up on first use" and "signals between two nodes arrive in the order
-- they were sent". When both nodes start a connection at the same instant (each sends to the
-- other), one connection results: each monitor_nodes subscriber gets exactly one nodeup and no
-- nodedown, and every message of both directions arrives, in order.
-- Checked for both name orders (the smaller and the larger name spawned first) and with a
-- 5 ms and a jittery (uniform 1-9 ms) latency.
-- Regression: the loser used to relabel its queued data to the winner's generation ahead of
-- its ACK, and the winner, still PENDING, dropped them. Data on a pending connection's own
-- generation now completes the handshake (sim/net.c arrive).
local E = require("lib.expect")

sim.net{latency = 5}
local names = {"a", "b", "y", "x", "j1", "j2"}
for _, n in ipairs(names) do sim.node(n) end
sim.link("j1", "j2", {latency = sim.uniform(1, 9)})

local subs, recv, pids = {}, {}, {}

for _, n in ipairs(names) do
  subs[n] = {}
  recv[n] = {}
  pids[n] = sim.spawn(n, function()
    otp.monitor_nodes(true)
    while true do
      local m = otp.receive()
      if m.tag == "nodeup" or m.tag == "nodedown" then subs[n][#subs[n] + 1] = {m.tag, m.node}
      else recv[n][#recv[n] + 1] = m.n end
    end
  end)
end

local peer = {a = "b", b = "a", y = "x", x = "y", j1 = "j2", j2 = "j1"}
for _, n in ipairs(names) do
  sim.spawn(n, function(dst)
    otp.sleep(100)
    for i = 1, 5 do otp.send(dst, {n = i}) end
  end, pids[peer[n]])
end

sim.run{duration = "10s"}

E.check("one connection per pair: exactly one nodeup on each side, no nodedown", function()
  local want = {}
  for _, n in ipairs(names) do want[n] = {{"nodeup", peer[n]}} end
  return subs, want
end)

E.check("all messages of both directions arrive, in order", function()
  local want = {}
  for _, n in ipairs(names) do want[n] = {1, 2, 3, 4, 5} end
  return recv, want
end)
