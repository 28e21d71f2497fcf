-- dist_near_simultaneous_connect.lua
-- sim/net.h: "Every pair of nodes has at most one connection" and "signals sent before their end
-- is up wait and leave when it comes up"; otp-semantics §1.1: per-pair order, messages lost only
-- with their connection. Two nodes start connections to each other a few microseconds apart
-- (the larger name first, then the smaller one: the case where the smaller name's attempt wins
-- after the larger one has already queued signals). For every offset and both name orders: both
-- messages arrive and each side has exactly one connection up.
-- Regression: the larger node's queued signals used to be lost while both ends showed the
-- connection up (found by the otp.global randomized runs).
local E = require("lib.expect")

local offsets = {0, 0.001, 0.004, 0.05, 0.2, 0.299, 1}
local got = {}
for i, offset in ipairs(offsets) do
  for j, order in ipairs({{"b", "a"}, {"a", "b"}}) do
    local X, Y = order[1] .. i .. "_" .. j, order[2] .. i .. "_" .. j
    sim.node(X)
    sim.node(Y)
    for _, me in ipairs({X, Y}) do
      sim.spawn(me, function()
        otp.register("sink", otp.self())
        otp.sleep(me == X and 10 or 10 + offset)
        otp.send({"sink", me == X and Y or X}, "from " .. me)
        local m = otp.receive(1000) or "nothing"
        got[#got + 1] = {me, m, #otp.nodes()}
      end)
    end
  end
end
sim.run{duration = "2s"}

E.check("both messages arrive, one connection each", function()
  local bad = {}
  for _, g in ipairs(got) do
    if g[2] == "nothing" or g[3] ~= 1 then bad[#bad + 1] = g end
  end
  return {results = #got, bad = bad}, {results = #offsets * 4, bad = {}}
end)
