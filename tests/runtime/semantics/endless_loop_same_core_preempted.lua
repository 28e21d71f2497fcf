-- endless_loop_same_core_preempted.lua
-- docs/otp-differences.md: "a slice ends after `quantum / instr_ns` instructions [...] An endless
-- loop must let virtual time pass". A process in `while true do end` is preempted at the end of
-- its quantum (as BEAM preempts on reductions), so another process on the same single core
-- still makes progress: each of its ticks is at most about a quantum late, and all 20 ticks
-- happen. The run ends at its duration.
local E = require("lib.expect")

sim.node("a", {cores = 1, instr_ns = 10, quantum = "1ms"})

local ticks = {}

sim.spawn("a", function() while true do end end)
sim.spawn("a", function()
  for i = 1, 20 do
    local t0 = otp.now()
    otp.sleep(10)
    ticks[i] = otp.now() - t0
  end
end)

sim.run{duration = "400ms"}

local want = {}
for i = 1, 20 do want[i] = E.match_between(10, 12.1) end

E.check("every tick happens, each within a quantum (+ a little) of its due time", function()
  return ticks, want
end)
E.check("the run ended at its duration", function() return sim.now(), 400 end)
