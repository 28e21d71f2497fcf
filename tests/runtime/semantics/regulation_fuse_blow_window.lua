-- regulation_fuse_blow_window.lua
-- otp-semantics §7.5 (fuse): "melts are kept as a newest-first list of native timestamps. A
-- melt stays in the window while Now − T < MaxT (ms). The boundary is exclusive, unlike the
-- supervisor's inclusive window with one-second granularity. The fuse blows when the number of
-- melts in the window exceeds MaxR (the MaxR+1-th melt)". fuse:melt is synchronous; melting an
-- unknown fuse is ok; asking one is {error, not_found}.
-- MaxR = 2, MaxT = 100: melts at 0, 50, 99 blow the fuse (three in the window); melts at 0, 50,
-- 100 do not (the melt at 0 is exactly 100 old: out), and one more at 120 does. MaxR = 0 blows
-- on the first melt. Melts and blows are "regulator" trace events (fuse = name, event melt |
-- blown) and count in fuse.<name>.melt / fuse.<name>.blown; blown answers in .rejected.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local traced, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[1] == "fuse" and a[2] == "a" then
    traced[#traced + 1] = {otp.now(), a[4], a[6]}
  end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local got = {a = {}, b = {}, zero = {}}

local function melt_at(name, times)
  sim.spawn("n", function()
    for _, t in ipairs(times) do
      otp.sleep(t - otp.now())
      local m = otp.fuse.melt(name)
      got[name][#got[name] + 1] = {t, m, otp.fuse.ask(name)}
    end
  end)
end

sim.spawn("n", function()
  got.unknown = {{otp.fuse.ask("a")}, otp.fuse.melt("a")}     -- no fuse server yet
  otp.fuse.install("a", {max_r = 2, max_t = 100, reset = 10000})
  otp.fuse.install("b", {max_r = 2, max_t = 100, reset = 10000})
  otp.fuse.install("zero", {max_r = 0, max_t = 100, reset = 10000})
  got.unknown2 = {{otp.fuse.ask("nope")}, otp.fuse.melt("nope")}
  melt_at("a", {0, 50, 99})
  melt_at("b", {0, 50, 100, 120})
  melt_at("zero", {10})
end)

sim.run{to = 1000}

E.check("asking an unknown fuse: nil, not_found; melting it: ok", function()
  return {got.unknown, got.unknown2}, {{{nil, "not_found"}, "ok"}, {{nil, "not_found"}, "ok"}}
end)
E.check("MaxR 2: the third melt within 100 ms (0, 50, 99) blows the fuse", function()
  return got.a, {{0, "ok", "ok"}, {50, "ok", "ok"}, {99, "ok", "blown"}}
end)
E.check("exclusive window: a melt exactly MaxT old is out (0, 50, 100: ok); 120 blows", function()
  return got.b, {{0, "ok", "ok"}, {50, "ok", "ok"}, {100, "ok", "ok"}, {120, "ok", "blown"}}
end)
E.check("MaxR 0: the first melt blows", function()
  return got.zero, {{10, "ok", "blown"}}
end)
E.check("melts, the blow and the blown answer are traced", function()
  return traced, {{0, "installed", 2}, {0, "melt", 1}, {50, "melt", 2}, {99, "melt", 3},
                  {99, "blown", 3}, {99, "reject", nil}}
end)
E.check("counted: fuse.<name>.melt, .blown, .rejected", function()
  return {counted["fuse.a.melt"], counted["fuse.a.blown"], counted["fuse.a.rejected"],
          counted["fuse.b.melt"], counted["fuse.b.blown"]}, {3, 1, 1, 4, 1}
end)
