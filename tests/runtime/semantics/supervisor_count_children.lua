-- supervisor_count_children.lua
-- otp-semantics §3.6: "`count_children` → `[{specs,N},{active,N},{supervisors,N},{workers,N}]`.
-- Here "active" means `is_process_alive(Pid)` for static children. [RUN]"
--
-- Children w1 (worker), w2 (worker, terminated: undefined), s1 (a supervisor). Then the
-- supervisor is kept busy by a slow start_child(slow) until 100 ms; a count_children call is
-- queued at 10 ms and w1 is killed at 20 ms: when the call is answered at 100 ms, w1 is still
-- recorded under its pid (its EXIT is queued behind the call) but is not alive, so it is not
-- active.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local w1
local function worker() return otp.spawn_link(function() otp.receive() end) end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 5}, {
    {id = "w1", start = function() w1 = worker(); return w1 end},
    {id = "w2", start = worker},
    {id = "s1", type = "supervisor", start = function() return otp.supervisor.start_link({}, {}) end},
  })
  otp.supervisor.terminate_child(sup, "w2")
  got.plain = otp.supervisor.count_children(sup)
  otp.spawn(function()
    otp.supervisor.start_child(sup, {id = "slow", start = function() otp.sleep(100); return worker() end})
  end)
  otp.spawn(function()
    otp.sleep(10)
    got.busy = {otp.supervisor.count_children(sup), otp.now()}
  end)
  otp.sleep(20)
  otp.exit(w1, "kill")
  otp.sleep(100)
  got.after = otp.supervisor.count_children(sup)
end)

E.check("specs 3, active 2 (w2 is undefined), 1 supervisor, 2 workers", function()
  return got.plain, {specs = 3, active = 2, supervisors = 1, workers = 2}
end)
E.check("a dead child whose EXIT is not yet handled is not active", function()
  return got.busy, {{specs = 4, active = 2, supervisors = 1, workers = 3}, 100}
end)
E.check("after its restart it is active again", function()
  return got.after, {specs = 4, active = 3, supervisors = 1, workers = 3}
end)
