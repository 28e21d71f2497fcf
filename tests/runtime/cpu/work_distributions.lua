-- otp.work accepts a distribution; the distributions have the documented shapes: sim.exp's
-- sample mean is its mean, sim.lognormal(median, p99) has that median and 99th percentile, and
-- sim.uniform stays in its range. Draws come from the seeded "dist" stream.
sim.node("n", {instr_ns = 0})
local function stats(d, n)
  local xs, s = {}, 0
  for i = 1, n do xs[i] = d:sample(); s = s + xs[i] end
  table.sort(xs)
  return s / n, xs[math.ceil(n * 0.5)], xs[math.ceil(n * 0.99)], xs[1], xs[n]
end
local m_exp = stats(sim.exp(3), 200000)
local _, med, p99 = stats(sim.lognormal(10, 50), 200000)
local _, _, _, lo, hi = stats(sim.uniform(2, 4), 10000)
local worked
sim.spawn("n", function() otp.work(sim.const(5)); otp.work(sim.uniform(1, 1)); worked = otp.now() end)
sim.check("exp mean", function() return math.abs(m_exp - 3) < 0.03, m_exp end)
sim.check("lognormal median and p99", function()
  return math.abs(med - 10) < 0.2 and math.abs(p99 - 50) < 2, med .. " " .. p99
end)
sim.check("uniform range", function() return lo >= 2 and hi < 4, lo .. " " .. hi end)
sim.check("work samples the distribution", function() return worked == 6, worked end)
sim.check("bad arguments are errors", function()
  return not pcall(sim.exp, 0) and not pcall(sim.uniform, 3, 1) and not pcall(sim.lognormal, 10, 5)
end)
