-- small.lua — a small, fast scenario for the report's tests (tests/report/test_report.c): a
-- gen_server "kv" on a 1-core node (capacity 1000 / service_ms requests per second) called by an
-- open-loop Poisson load, with an SLO, a watched mailbox, and a crash of its node at 2 s that
-- heals after 1 s (fault windows, fault impact). Its load, check and SLO names carry HTML, quote
-- and Markdown characters, which the report must escape. fail_rate > 0 makes every run at
-- rate >= fail_rate stop with a script error (a failed run the report must list).
local rate       = sim.param("rate", 400)
local service_ms = sim.param("service_ms", 2)
local duration   = sim.param("duration", "4s")
local fail_rate  = sim.param("fail_rate", 0)
local crash      = sim.param("crash", true)
local slow_ms    = sim.param("slow_ms", 0)      -- > 0: every run sleeps this long in wall time (interrupt test)
if fail_rate > 0 and rate >= fail_rate then error("boom: rate " .. rate .. " is too much") end

local LOAD = 'web "api" <&>|*'
sim.node("app", {cores = 1, boot = function()
  otp.gen_server.start({
    init = function() return "ok", 0 end,
    handle_call = function(req, from, n) otp.work(sim.exp(service_ms)); return "reply", "ok", n + 1 end,
  }, nil, {name = "kv"})
end})
sim.node("clients", {cores = 2, instr_ns = 0})
sim.watch("kv", "app")
sim.load {name = LOAD, node = "clients", arrival = sim.poisson(rate), to = duration, timeout = "1s",
          call = {op = "get"}, target = {"kv", "app"}}
sim.slo {load = LOAD, p99 = "20ms"}
sim.check("<script>alert('x')</script> & \"quotes\"", function() return true, "<b>not bold</b>" end)
if crash then sim.at("2s", function() sim.crash("app", {restart_after = "1s"}) end) end
if slow_ms > 0 then
  -- burn wall time without virtual time: a long loop of pure Lua (instr_ns = 0 on "clients")
  sim.spawn("clients", function() local x = 0; for i = 1, slow_ms * 20000 do x = x + i end end)
end
sim.run {duration = duration}
