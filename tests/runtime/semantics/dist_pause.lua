-- dist_pause.lua
-- otp-semantics §6.2: "Documented detection time T for a frozen peer: `NetTickTime −
-- NetTickTime/Intensity < T < NetTickTime + NetTickTime/Intensity`, i.e. **45–75 s** by
-- default", reason `net_tick_timeout` ("peer frozen with SIGSTOP"); §11.3: "silent partition
-- (detected by ticks after 45–75 s by default)"; sim/net.h: "a paused node stops reading,
-- writing and ticking", and a partition (or freeze) shorter than the tick timeout only delays.
-- Default ticks (60 s), latency 5 ms:
--   a) sim.pause(n2, "100s") at 100 s (steady ticking): n1 sees nodedown net_tick_timeout
--      45-75 s later; n2, when it resumes at 200 s, reads n1's CLOSE: connection_closed at once;
--   b) sim.pause(n4, "1s") at 100 s: no nodedown on either side; a ping sent to n4 during the
--      pause is answered only after the resume, and a burst sent during the pause arrives in
--      order after it.
local E = require("lib.expect")

sim.net{latency = 5}
for _, n in ipairs({"n1", "n2", "n3", "n4"}) do sim.node(n) end

local seen = {}
for _, p in ipairs({{"n1", "n2"}, {"n2", "n1"}, {"n3", "n4"}, {"n4", "n3"}}) do
  sim.spawn(p[1], function(peer)
    otp.monitor_nodes(true)
    while true do
      local m = otp.receive()
      if m.tag == "nodedown" then
        seen[#seen + 1] = {otp.node(), m.reason, otp.now()}
      end
    end
  end, p[2])
end

sim.spawn("n1", function() otp.sleep(1); otp.connect_node("n2") end)

local b = {}
sim.spawn("n3", function()
  local echo = otp.spawn("n4", function()
    while true do
      local m = otp.receive()
      if type(m) == "table" then otp.send(m.from, {pong = m.n})
      else b.burst[#b.burst + 1] = {m, otp.now()} end
    end
  end)
  b.burst = {}
  otp.sleep(100300 - otp.now())            -- n4 paused from 100 s to 101 s
  local t = otp.now()
  otp.send(echo, {from = otp.self(), n = 1})
  for i = 1, 10 do otp.send(echo, i) end
  local r = otp.receive({pong = 1}, 5000)
  b.pong = {r or "no reply", otp.now()}
  b.sent_at = t
end)

sim.at(100000, function()
  sim.pause("n2", "100s")
  sim.pause("n4", "1s")
end)
sim.run{duration = "300s"}

E.check("a) long pause: n1 detects net_tick_timeout 45-75 s in; n2 sees connection_closed on resume", function()
  local got = {}
  for _, s in ipairs(seen) do
    if s[1] == "n1" or s[1] == "n2" then got[#got + 1] = s end
  end
  return got, {{"n1", "net_tick_timeout", E.match_between(145000, 175000)},
               {"n2", "connection_closed", E.match_between(200000, 200001)}}
end)

E.check("b) short pause: no nodedown on n3 or n4", function()
  local got = {}
  for _, s in ipairs(seen) do
    if s[1] == "n3" or s[1] == "n4" then got[#got + 1] = s end
  end
  return {got, sim.connected("n3", "n4"), sim.connected("n4", "n3")}, {{}, true, true}
end)

E.check("b) a ping sent during the pause is answered after the resume (101 s + latency)", function()
  return b.pong, {{pong = 1}, E.match_between(101005, 101011)}
end)

E.check("b) a burst sent during the pause arrives after it, in order", function()
  local want = {}
  for i = 1, 10 do want[i] = {i, E.match_between(101000, 101001)} end
  return b.burst, want
end)
