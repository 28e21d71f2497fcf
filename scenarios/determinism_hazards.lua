-- determinism_hazards.lua — exercises every place where stock Lua 5.4 varies between processes,
-- and prints what it sees, so that the trace (and its hash) would differ if any of them leaked.
-- `make test` runs it in five separate processes and requires one trace-hash.
--
-- Hazards: pairs()/next() order for string, number, boolean and table keys (string hashes are
-- seeded per process; tables hash by address); math.random without and with randomseed;
-- table.sort with equal elements (pivot chosen from the clock); tostring() of tables and
-- functions (addresses); string.format("%s", table); os.time/os.clock/os.date; collectgarbage
-- counts.

local words = {}
for i = 1, 200 do words["key" .. i] = i end
words[3.5] = "float"; words[-1] = "neg"; words[true] = "yes"; words[false] = "no"
local order = {}
for k in pairs(words) do order[#order + 1] = tostring(k) end
print("pairs order:", table.concat(order, " ", 1, 12), "...", #order)

local objs = {}
local keys = {}
for i = 1, 50 do local t = {i}; keys[i] = t; objs[t] = i end
local seen = {}
for k, v in pairs(objs) do seen[#seen + 1] = v end
print("table-key order:", table.concat(seen, ","))

local nk, nv = next(words)
print("next first:", nk, nv)

print("random:", math.random(), math.random(100), math.random(-5, 5), math.random(0) ~= nil)
math.randomseed(42)
print("random after seed 42:", math.random(1, 1000000), math.random(1, 1000000))

local recs = {}
for i = 1, 300 do recs[i] = {k = i % 7, id = i} end
table.sort(recs, function(a, b) return a.k < b.k end)
local ids = {}
for i = 1, 20 do ids[i] = recs[i].id end
print("stable sort:", table.concat(ids, ","))

print("tostring:", tostring({}), tostring(print), tostring(function() end), tostring(coroutine.create(print)))
print(string.format("format: %s %s %5.2f", {1, 2}, "x", 3.14159))
print("tables print by content:", {1, 2, name = "x", nested = {a = {b = true}}, [10] = "ten"})

print("os:", os.time(), os.clock(), os.date("!%Y-%m-%d %H:%M:%S"), os.getenv("HOME"))
sim.after("1500ms", function()
  print("os later:", os.time(), os.clock(), os.date("%H:%M:%S"), os.time{year = 2024, month = 2, day = 29, hour = 0})
end)

-- Table churn with deletions: stock Lua's rehash timing (and so its memory use and collector
-- pacing) depends on the per-process string-hash seed; identities and GC must not.
local churn = {}
for round = 1, 40 do
  for i = 1, 500 do churn["c" .. round .. "_" .. i] = {i} end
  for i = 1, 500, 2 do churn["c" .. round .. "_" .. i] = nil end
end
local weak = setmetatable({}, {__mode = "k"})
local finalized = 0
for i = 1, 2000 do
  weak[{}] = i
  setmetatable({}, {__gc = function() finalized = finalized + 1 end})
end
local survivors = 0
for _ in pairs(weak) do survivors = survivors + 1 end
print("after churn:", tostring({}), "weak survivors", survivors, "finalized", finalized)
collectgarbage("collect")
print("gc count:", collectgarbage("count"), "finalized", finalized)

local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print("coroutine:", co(), co(), co())

sim.check("deterministic structures", function()
  return #order == 204 and seen[1] == 1 and seen[50] == 50
end)
