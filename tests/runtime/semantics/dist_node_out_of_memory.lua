-- dist_node_out_of_memory.lua
-- otp-semantics §6.2: "A crashed node, as opposed to a hung one, is usually detected immediately
-- by TCP, giving `connection_closed`"; docs/lua-api.md (sim.node memory, runtime/rt.h halt): a
-- node whose memory use exceeds its limit halts ("out of memory"), every process on it ends and
-- the rest of the cluster observes `noconnection`. (An unbounded mailbox is the classic way an
-- Erlang node dies: the VM cannot allocate and the node goes down.)
-- Here n2 has memory = "1MB"; a process there never receives, and a process on n1 floods it with
-- 1 KB messages, 2 per ms. Checked: n2 is up before the flood and at the start; it goes down
-- (sim.node_stats up = false, one crash) after at most ~1000 messages; a watcher on n1 monitoring
-- the hoarder gets DOWN noconnection and then nodedown reason connection_closed, one latency
-- after n2 died; n1 itself is unaffected. (The trace's node_down event, why = "out of memory:
-- ...", is not visible from a scenario.)
local E = require("lib.expect")

sim.net{latency = 5}
sim.node("n1")
sim.node("n2", {memory = "1MB"})

local got, when = {}, {}
local down_at, sent, hoarder

sim.spawn("n1", function()
  otp.monitor_nodes(true)
  hoarder = otp.spawn("n2", function() otp.receive({never = true}) end)
  local ref = otp.monitor(hoarder)
  got.ref = ref
  otp.spawn(function()
    local chunk = string.rep("x", 1024)
    sent = 0
    otp.sleep(100)
    while sent < 5000 do
      otp.send(hoarder, chunk)
      sent = sent + 1
      if sent % 2 == 0 then otp.sleep(1) end
    end
  end)
  while true do
    local m = otp.receive(10000)
    if not m then break end
    got[#got + 1] = m
    when[#when + 1] = otp.now()
  end
end)

local up_at_start
sim.at(50, function() up_at_start = sim.node_stats("n2").up end)
sim.every(0.05, function()   -- 50 us resolution, until n2 is down
  if not sim.node_stats("n2").up then
    down_at = sim.now()
    return false
  end
end, {to = 20000})
sim.run{duration = "30s"}

E.check("n2 was up, then died of its mailbox (up = false, one crash) within ~1000 messages", function()
  local st = sim.node_stats("n2")
  return {up_at_start, st.up, st.crashes, down_at ~= nil and down_at < 100 + 600},
         {true, false, 1, true}
end)

E.check("the watcher on n1: nodeup, DOWN noconnection, nodedown connection_closed", function()
  return {got[1], got[2], got[3], got[4] or "nothing more"},
         {{tag = "nodeup", node = "n2"},
          {tag = "DOWN", ref = got.ref, type = "process", object = hoarder, reason = "noconnection"},
          {tag = "nodedown", node = "n2", reason = "connection_closed"}, "nothing more"}
end)

E.check("... one latency after n2 went down", function()
  return {when[2] - (down_at or 0), when[3] - (down_at or 0)},
         {E.match_between(4.95, 5), E.match_between(4.95, 5)}
end)

E.check("n1 is unaffected", function()
  return sim.node_stats("n1").up, true
end)
