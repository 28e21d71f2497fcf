-- An endless loop hogs its core but is preempted every quantum: a process sharing that core
-- still makes progress, a process on another node is unaffected, and the run ends.
sim.node("a", {cores = 1, instr_ns = 0})
sim.node("b", {cores = 1})
local ticks_same_core, ticks_other_node = 0, 0
sim.spawn("a", function() while true do end end)
sim.spawn("a", function() while true do otp.sleep(10); ticks_same_core = ticks_same_core + 1 end end)
sim.spawn("b", function() while true do otp.sleep(10); ticks_other_node = ticks_other_node + 1 end end)
sim.run{duration = "200ms"}
local info_reductions
sim.check("the process sharing the core still runs", function()
  return ticks_same_core >= 10, ticks_same_core
end)
sim.check("the process on the other node is unaffected", function()
  return ticks_other_node >= 19, ticks_other_node
end)
sim.check("the looping core was busy all the time", function()
  local st = sim.node_stats("a")
  return st.utilization > 0.95, st.utilization
end)
