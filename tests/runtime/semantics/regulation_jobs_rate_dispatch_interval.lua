-- regulation_jobs_rate_dispatch_interval.lua
-- otp-semantics §7.1 (jobs): "{rate, [{limit, N}]}: N per second. The dispatch interval is
-- 1000/N ms; the number dispatchable now is trunc((Now − LastDispatch)/interval)", and the
-- dispatch count is the minimum over the regulators. jobs_server check_rr: the very first
-- dispatch is immediate. Here: rate 10/s spaces a burst 100 ms apart; an ask after an idle
-- period goes at once; rate 3/s spaces by 333.3 ms (no drift from float rounding); with a
-- counter holding the queue, raising the counter lets trunc(elapsed/interval) jobs go in ONE
-- check (jobs' catch-up burst, unlike a 1-token bucket). Dispatches count in
-- jobs.<queue>.dispatched.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local counted = {}
local count = otp._count
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local times = {r10 = {}, r3 = {}, burst = {}}

-- a client asking queue q at time t; records when it was dispatched
local function client(q, t, into, hold)
  sim.at(t, function()
    sim.spawn("n", function()
      local ok, opaque = otp.jobs.ask(q)
      into[#into + 1] = {ok, otp.now()}
      if hold then otp.sleep(hold) end
      otp.jobs.done(opaque)
    end)
  end)
end

sim.spawn("n", function()
  otp.jobs.add_queue("r10", {rate = 10})
  otp.jobs.add_queue("r3", {rate = 3})
  otp.jobs.add_queue("burst", {rate = 10, counter = 1})
end)

-- five at t=1 ms, one after 600 ms idle, two more at 1050 (times are recorded in dispatch order)
for _ = 1, 5 do client("r10", 1, times.r10) end
client("r10", 1000, times.r10)
client("r10", 1050, times.r10)
client("r10", 1050, times.r10)

for _ = 1, 3 do client("r3", 1, times.r3) end

-- the first holds the only slot until 2000; three wait; at 500 the counter goes to 4
client("burst", 1, times.burst, 2000)
for _ = 1, 3 do client("burst", 10, times.burst) end
sim.at(500, function()
  sim.spawn("n", function() otp.jobs.modify_queue("burst", {counter = 4}) end)
end)

E.check("rate 10/s: a burst goes out 100 ms apart, the first at once", function()
  return {times.r10[1], times.r10[2], times.r10[3], times.r10[4], times.r10[5]},
         {{"ok", 1}, {"ok", 101}, {"ok", 201}, {"ok", 301}, {"ok", 401}}
end)
E.check("after 600 ms idle an ask goes at once; the next waits one interval", function()
  return {times.r10[6], times.r10[7], times.r10[8]}, {{"ok", 1000}, {"ok", 1100}, {"ok", 1200}}
end)
E.check("rate 3/s: 333.33 ms apart (float intervals do not drift)", function()
  -- 1 + 1000/3 and 1 + 2000/3, at the simulator's nanosecond resolution
  return times.r3, {{"ok", 1}, {"ok", E.match_between(334.333332, 334.333334)},
                    {"ok", E.match_between(667.666665, 667.666667)}}
end)
E.check("counter raised: trunc((500 - 1)/100) = 4 >= 3 slots: three dispatched in one check", function()
  return times.burst, {{"ok", 1}, {"ok", 500}, {"ok", 500}, {"ok", 500}}
end)
E.check("every dispatch counts in jobs.<queue>.dispatched", function()
  return {counted["jobs.r10.dispatched"], counted["jobs.r3.dispatched"], counted["jobs.burst.dispatched"]},
         {8, 3, 4}
end)
