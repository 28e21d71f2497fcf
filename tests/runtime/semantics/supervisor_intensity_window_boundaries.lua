-- supervisor_intensity_window_boundaries.lua
-- otp-semantics §3.4: "**The window has one-second granularity and is inclusive.** An old restart
-- still counts while `floor(t_old) >= floor(t_now) - Period`. [...] [RUN, period = 2,
-- intensity = 1, two crashes:]
--   first crash at .100 s, gap 2500 ms -> supervisor DIES    (floor diff 2)
--   first crash at .900 s, gap 2500 ms -> survives           (floor diff 3)
--   first crash at .100 s, gap 2950 ms -> survives           (floor diff 3)
--   first crash at .900 s, gap 2050 ms -> DIES               (floor diff 2)
--   period 1, gap 1200 ms              -> DIES (floor diff 1)
-- A deterministic simulator must model supervisor time as `floor(sim_ms/1000)` from a defined
-- origin." (otpsim: the start of the run.)
--
-- Five independent supervisors (intensity 1), each with one child killed twice at the times of
-- its case (case k in second 10k of the run).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local cases = {
  {name = ".100 + 2500 ms, period 2", period = 2, first = 10100, gap = 2500, want = "dies"},
  {name = ".900 + 2500 ms, period 2", period = 2, first = 20900, gap = 2500, want = "survives"},
  {name = ".100 + 2950 ms, period 2", period = 2, first = 30100, gap = 2950, want = "survives"},
  {name = ".900 + 2050 ms, period 2", period = 2, first = 40900, gap = 2050, want = "dies"},
  {name = ".100 + 1200 ms, period 1", period = 1, first = 50100, gap = 1200, want = "dies"},
}

for _, c in ipairs(cases) do
  local child, starts = nil, 0
  c.got = {}
  sim.spawn("n", function()
    otp.process_flag("trap_exit", true)
    local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 1, period = c.period}, {
      {id = "w", start = function()
        starts = starts + 1
        child = otp.spawn_link(function() otp.receive() end)
        return child
      end},
    })
    local m = otp.receive({tag = "EXIT", from = sup}, 60000)
    c.got.outcome = m and "dies" or "survives"
    c.got.exit = m and {m.reason, otp.now()} or nil
    c.got.starts = starts
  end)
  sim.at(c.first, function() sim.kill(child, "boom") end)
  sim.at(c.first + c.gap, function() sim.kill(child, "boom") end)
end

for _, c in ipairs(cases) do
  E.check(c.name .. ": " .. c.want, function()
    local want
    if c.want == "dies" then
      want = {outcome = "dies", exit = {"shutdown", c.first + c.gap}, starts = 2}
    else
      want = {outcome = "survives", starts = 3}
    end
    return c.got, want
  end)
end
