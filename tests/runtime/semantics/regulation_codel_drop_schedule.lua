-- regulation_codel_drop_schedule.lua
-- otp-semantics §7.2 (safetyvalve, sv_codel): "CoDel dequeue drops queued tasks whose sojourn
-- stays above Target for more than an Interval; dropped clients get {error, overload}. Drops
-- then follow the control law next_drop = now + Interval/√count." otp.codel follows sv_codel
-- (target 5 ms, interval 100 ms) behind one slot; dropped clients get nil, "dropped"; a full
-- queue answers the new client nil, "queue_full".
-- Here one client holds the slot from 0 and 60 more queue at once; each served client runs
-- 10 ms, so a dequeue happens every 10 ms with an ever-growing sojourn. The first dequeue at
-- or above target (t=10) sets first_above_time = 110; at 110 CoDel starts dropping (count 1,
-- next drop 110 + 100/√1 = 210); then 210 + 100/√2 = 280.7 → drop at 290 (the next dequeue),
-- 280.7 + 100/√3 = 338.5 → 340, +100/√4 → 390, +100/√5 → 440, +100/√6 → 480, +100/√7 → 520.
-- Each drop serves the next client in the same dequeue. Drops are "regulator" trace events
-- (codel = name, event drop, sojourn, count) and count in codel.<name>.dropped.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local drops, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[1] == "codel" and a[4] == "drop" then
    drops[#drops + 1] = {t = otp.now(), count = a[8]}
  end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local served, dropped, full = {}, {}, {}

sim.spawn("n", function()
  otp.codel.start("q", {target = 5, interval = 100, concurrency = 1})
  otp.codel.start("small", {concurrency = 1, size = 2})
end)

local function client(t)
  sim.at(t, function()
    sim.spawn("n", function()
      local r, why = otp.codel.run("q", function() otp.sleep(10); return "served" end)
      if r then served[#served + 1] = otp.now() - 10 else dropped[#dropped + 1] = {why, otp.now()} end
    end)
  end)
end
client(0)
for i = 1, 60 do client(i / 1024) end

-- a bounded queue: one runs, two wait, the fourth is turned away at once
for i = 1, 4 do
  sim.at(1, function()
    sim.spawn("n", function()
      local r, why = otp.codel.run("small", function() otp.sleep(50); return "ok" end)
      if not r then full[#full + 1] = {why, otp.now()} end
    end)
  end)
end

local info
sim.at(1000, function() sim.spawn("n", function() info = otp.codel.info("q") end) end)

sim.run{to = 2000}

local function times(list)
  local r = {}
  for i, d in ipairs(list) do r[i] = d.t or d[2] end
  return r
end

E.check("drops at 110, 210, 290, 340, 390, 440, 480, 520 (control law, at dequeue times)", function()
  return times(drops), {110, 210, 290, 340, 390, 440, 480, 520}
end)
E.check("count grows by one per drop in the dropping state", function()
  local c = {}
  for i, d in ipairs(drops) do c[i] = d.count end
  return c, {1, 2, 3, 4, 5, 6, 7, 8}
end)
E.check("dropped clients get nil, \"dropped\" at the drop", function()
  local reasons = {}
  for _, d in ipairs(dropped) do reasons[d[1]] = (reasons[d[1]] or 0) + 1 end
  return {reasons, times(dropped)}, {{dropped = 8}, {110, 210, 290, 340, 390, 440, 480, 520}}
end)
E.check("every other client is served, one per 10 ms dequeue", function()
  local ok = #served == 53
  for i, t in ipairs(served) do ok = ok and t == (i - 1) * 10 end
  return {#served, ok}, {53, true}
end)
E.check("a full queue answers the new client queue_full at once", function()
  return full, {{"queue_full", 1}}
end)
E.check("info and counters", function()
  return {info.dispatched, info.dropped, info.len, counted["codel.q.dropped"],
          counted["codel.small.queue_full"]}, {53, 8, 0, 8, 1}
end)
