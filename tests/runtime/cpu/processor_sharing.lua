-- A node has N cores; runnable processes beyond N wait, and a process that has used its quantum
-- goes to the back of the run queue (BEAM reductions): four 50 ms jobs on two cores share them
-- and all finish at about 100 ms; the cores were busy 200 ms in all.
sim.node("n", {cores = 2, instr_ns = 0, quantum = "1ms"})
local done = {}
for i = 1, 4 do
  sim.spawn("n", function() otp.work(50); done[i] = otp.now() end)
end
sim.run{duration = "1s"}
local st = sim.node_stats("n")
sim.check("all four finish within one quantum of 100 ms", function()
  for i = 1, 4 do
    if not done[i] or done[i] < 99 or done[i] > 100 then return false, tostring(done[i]) end
  end
  return true
end)
sim.check("busy time equals the work done", function() return st.busy_ms == 200, st.busy_ms end)
sim.check("utilization over the run", function() return math.abs(st.utilization - 0.1) < 1e-9, st.utilization end)
sim.check("two waited at most", function() return st.run_queue_max == 2, st.run_queue_max end)
