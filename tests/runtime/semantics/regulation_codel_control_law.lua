-- regulation_codel_control_law.lua
-- otp-semantics §7.2 (sv_codel): CoDel "drops queued tasks whose sojourn stays above Target for
-- more than an Interval ... Drops then follow the control law next_drop = now + Interval/√count."
-- The plain queue otp.codel.queue{target, interval} (the structure the otp.codel server uses),
-- driven by hand, shows the rest of sv_codel's state machine:
--   * a sojourn below target never drops and clears first_above_time;
--   * dropping stops at the first dequeue below target (or on an empty queue);
--   * re-entering the dropping state less than an interval after the last drop_next, with
--     count > 2, resumes at count - 2 (dequeue_start_drop); later it restarts at count 1.
local E = require("lib.expect")

local got = {}

-- push n items stamped `ts`
local function fill(q, n, ts) for i = 1, n do q:push(i, ts) end end

-- dequeue every 10 ms from `from` to `to`; returns the times at which something was dropped
local function drain(q, from, to)
  local at = {}
  for t = from, to, 10 do
    local _, dropped = q:pop(t)
    for _ = 1, #dropped do at[#at + 1] = t end
  end
  return at
end

-- 1: short sojourns (below target) never drop
local q1 = otp.codel.queue{target = 5, interval = 100}
for t = 0, 1000, 10 do q1:push(t, t); q1:push(t + 1, t + 1) end
local drops1 = 0
for t = 4, 1004, 10 do
  local _, d = q1:pop(t); drops1 = drops1 + #d
  _, d = q1:pop(t + 1); drops1 = drops1 + #d
end
got.below_target = {drops1, q1:state().first_above_time}

-- 2: a standing queue: drops at 110, 210, 290, 340; then drained at 341 (empty: not dropping)
local q2 = otp.codel.queue{target = 5, interval = 100}
fill(q2, 60, 0)
got.first_round = drain(q2, 10, 340)
while q2:len() > 0 do q2:pop(341) end
q2:pop(341)
local s = q2:state()
got.after_drain = {s.dropping, s.count, s.drop_next > 388.4 and s.drop_next < 388.5}

-- the 4th drop (at 340) set count 4, drop_next = 338.45 + 100/√4 = 388.45
-- 3: bad again at 345: above target at 350 → first_above_time 450; at 450 start dropping again,
-- 450 - 388.45 < 100 and count 4 > 2 → count 2, drop_next = 450 + 100/√2
fill(q2, 40, 345)
got.second_round = drain(q2, 350, 450)
s = q2:state()
got.resumed = {s.dropping, s.count, s.drop_next > 520.7 and s.drop_next < 520.72}

-- 4: a good sojourn ends the dropping state without a drop
local q3 = otp.codel.queue{target = 5, interval = 100}
fill(q3, 20, 0)
local d4 = drain(q3, 10, 110)
while q3:len() > 0 do q3:pop(111) end
q3:push("fresh", 500)
local item, d = q3:pop(502)
got.good_sojourn = {d4, item, #d, q3:state().dropping}

-- 5: re-entering long after the last drop restarts at count 1
local q4 = otp.codel.queue{target = 5, interval = 100}
fill(q4, 60, 0)
drain(q4, 10, 340)                               -- count 4, drop_next 388.45
while q4:len() > 0 do q4:pop(341) end
q4:pop(341)
fill(q4, 40, 1000)
got.restart = drain(q4, 1010, 1110)
s = q4:state()
got.restart_state = {s.count, s.drop_next}

E.check("sojourns below target never drop", function()
  return got.below_target, {0, nil}
end)
E.check("a standing queue drops at 110, 210, 290, 340", function()
  return got.first_round, {110, 210, 290, 340}
end)
E.check("an empty queue ends the dropping state; count and drop_next are kept", function()
  return got.after_drain, {false, 4, true}
end)
E.check("re-entering within an interval: the drop at 450, count 4 - 2 = 2, drop_next 450 + 100/sqrt(2)", function()
  return {got.second_round, got.resumed}, {{450}, {true, 2, true}}
end)
E.check("a sojourn below target leaves the dropping state without dropping", function()
  return got.good_sojourn, {{110}, "fresh", 0, false}
end)
E.check("re-entering later than an interval restarts at count 1", function()
  return {got.restart, got.restart_state}, {{1110}, {1, 1210}}
end)
