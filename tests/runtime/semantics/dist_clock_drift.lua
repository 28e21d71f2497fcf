-- dist_clock_drift.lua
-- otp-semantics §11.1: "Provide a monotonic clock in ms for `receive…after`, timers, gen_statem
-- timeouts and tick intervals"; host/simnet.c sim.clock_drift: "the node's clock gains ppm
-- microseconds per second (negative: loses); its timers and otp.now follow it"; runtime/rt.h:
-- "the node's own monotonic clock at global time t, and the global duration of a duration d
-- measured on the node's clock".
-- Here (instr_ns = 0, so CPU time does not blur the numbers; latency 5 ms):
--   n2 drifts +100000 ppm (10 % fast): otp.sleep(1000) there lasts 1000 / 1.1 = 909.09 ms of
--   global time, as measured by a process on n1 (no drift) from two messages, and 1000 ms on
--   n2's own otp.now(); a receive timeout of 1000 ms on n2 also lasts 909.09 ms;
--   n3 drifts -100000 ppm (10 % slow): otp.sleep(1000) lasts 1111.11 ms;
--   a 1000 ms otp.send_after on n2 fires after 909.09 ms;
--   n2's otp.now() read at global time 1000 ms (drift from 0) shows 1100 ms.
local E = require("lib.expect")

sim.net{latency = 5}
sim.node("n1", {instr_ns = 0})
sim.node("n2", {instr_ns = 0})
sim.node("n3", {instr_ns = 0})
sim.clock_drift("n2", 100000)
sim.clock_drift("n3", -100000)

local got = {}

sim.spawn("n1", function()
  local me = otp.self()
  for _, node in ipairs({"n2", "n3"}) do
    otp.spawn(node, function()
      otp.send(me, {node = node, what = "sleep_start"})
      local t0 = otp.now()
      otp.sleep(1000)
      otp.send(me, {node = node, what = "sleep_end", local_ms = otp.now() - t0})
      otp.send(me, {node = node, what = "recv_start"})
      otp.receive({never = true}, 1000)
      otp.send(me, {node = node, what = "recv_end"})
    end)
  end
  otp.spawn("n2", function()
    otp.send(me, {node = "n2", what = "timer_start"})
    otp.send_after(1000, otp.self(), "fire")
    otp.receive(function(m) return m == "fire" end)
    otp.send(me, {node = "n2", what = "timer_end"})
  end)
  local arrive = {}
  for _ = 1, 10 do
    local m = otp.receive()
    arrive[m.node .. "." .. m.what] = otp.now()
    if m.local_ms then got[m.node .. ".local_ms"] = m.local_ms end
  end
  for _, node in ipairs({"n2", "n3"}) do
    got[node .. ".sleep"] = arrive[node .. ".sleep_end"] - arrive[node .. ".sleep_start"]
    got[node .. ".recv"] = arrive[node .. ".recv_end"] - arrive[node .. ".recv_start"]
  end
  got["n2.timer"] = arrive["n2.timer_end"] - arrive["n2.timer_start"]
end)

sim.at(1000, function()
  sim.spawn("n2", function() got.n2_now_at_1s = otp.now() end)
end)

sim.run{duration = "10s"}

E.check("10% fast: sleep(1000) takes ~909 ms of global time and 1000 ms on the node's clock", function()
  return {got["n2.sleep"], got["n2.local_ms"], got["n2.recv"], got["n2.timer"]},
         {E.match_between(908.5, 909.6), E.match_between(999.5, 1000.5),
          E.match_between(908.5, 909.6), E.match_between(908.5, 909.6)}
end)

E.check("10% slow: sleep(1000) takes ~1111 ms of global time and 1000 ms on the node's clock", function()
  return {got["n3.sleep"], got["n3.local_ms"], got["n3.recv"]},
         {E.match_between(1110.6, 1111.7), E.match_between(999.5, 1000.5), E.match_between(1110.6, 1111.7)}
end)

E.check("the fast node's otp.now() at global 1000 ms reads ~1100 ms", function()
  return got.n2_now_at_1s, E.match_between(1099.5, 1100.5)
end)
