-- restart_storm.lua — the scenario behind bench_storm: one supervisor, N children, a chaos
-- process killing a random child every `gap_us`; the supervisor restarts each one. Prints the
-- number of restarts and the supervisor node's CPU time per restart. (Children note their pids
-- in a table the chaos process reads: a benchmark shortcut, not a pattern to copy.)
local n = sim.param("children", 10000)
local kills = sim.param("kills", 20000)
local gap_us = sim.param("gap_us", 100)

sim.node("sup", {cores = 1})     -- the supervisor and its children
sim.node("chaos", {cores = 1})   -- the killer, on its own core
local starts, current = 0, {}
local function child(id)
  starts = starts + 1
  local pid = otp.spawn_link(function() otp.receive() end)
  current[id] = pid
  return pid
end
local specs = {}
for i = 1, n do specs[i] = {id = i, start = {child, i}, shutdown = "brutal_kill"} end

sim.spawn("sup", function()
  assert(otp.supervisor.start_link({intensity = 1000000000, period = 1}, specs, {name = "storm"}))
  otp.receive()
end)
local done_at
sim.spawn("chaos", function()
  otp.sleep(1000) -- let the tree start
  for k = 1, kills do
    local pid = current[math.random(n)]
    if pid then otp.exit(pid, "kill") end
    otp.sleep(gap_us / 1000)
  end
  done_at = otp.now()
end)
sim.run{duration = "1h"}
local st = sim.node_stats("sup")
print(string.format("restarts %d  virtual %.3f s  sup cpu per restart %.1f us",
  starts - n, (done_at or sim.now()) / 1000, st.busy_ms * 1000 / math.max(1, starts)))
