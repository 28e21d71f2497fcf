-- endless_loop_other_node_progresses.lua
-- otp-semantics §1.1: processes interact only through asynchronous signals; each node runs its
-- processes on its own cores. A process stuck in `while true do end` on node a occupies one of
-- node a's cores for ever; a process on node b, and one on node a's second core, keep their
-- own pace (a tick every 10 ms, on time), and the run still ends at its duration.
local E = require("lib.expect")

sim.node("a", {cores = 2, instr_ns = 10, quantum = "1ms"})
sim.node("b", {instr_ns = 0})

local ticks_b, ticks_a2, loops = {}, {}, {n = 0}

sim.spawn("a", function()
  while true do end                              -- never yields by itself
end)
sim.spawn("b", function()
  for i = 1, 20 do
    otp.sleep(10)
    ticks_b[i] = otp.now()
  end
end)
sim.spawn("a", function()                        -- on node a's second core
  for i = 1, 20 do
    otp.sleep(10)
    ticks_a2[i] = otp.now()
  end
end)

sim.run{duration = "300ms"}                      -- ends although one process never stops

local want_b = {}
for i = 1, 20 do want_b[i] = 10 * i end
local want_a2 = {}
for i = 1, 20 do want_a2[i] = E.match_between(10 * i, 10 * i + 0.1) end

E.check("node b ticks on time despite the loop on node a", function() return ticks_b, want_b end)
E.check("the second core of node a ticks on time too", function() return ticks_a2, want_a2 end)
E.check("the run ended at its duration", function() return sim.now(), 300 end)
