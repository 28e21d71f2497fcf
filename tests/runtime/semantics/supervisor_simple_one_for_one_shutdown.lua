-- supervisor_simple_one_for_one_shutdown.lua
-- otp-semantics §3.5: "On supervisor shutdown all children get `exit(P, shutdown)` (or `kill`)
-- **at once**, with one shared timer; the order is undefined. [SRC 991]"
--
-- Template shutdown 1000 ms; three trapping children whose terminate takes 600 ms, 800 ms and
-- 5 s. The parent exits shutdown at 100 ms: every terminate starts at 100 ms; the first two
-- children exit at 700 and 900 ms; the third is killed when the shared timer fires at 1100 ms
-- (not at 100 + 600 + 800 + 1000), and the supervisor exits shutdown then. A brutal_kill
-- template kills all children at once.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function run(shutdown)
  local r = {downs = {}, log = {}}
  local W = {}
  function W.init(ms) otp.process_flag("trap_exit", true); return "ok", ms end
  function W.terminate(reason, ms)
    r.log[#r.log + 1] = {"terminate", ms, reason, otp.now()}
    otp.sleep(ms)
  end
  sim.spawn("n", function()
    local me = otp.self()
    otp.spawn(function()
      local sup = otp.supervisor.start_link({strategy = "simple_one_for_one"},
        {{id = "tpl", shutdown = shutdown,
          start = function(ms) return otp.gen_server.start_link(W, ms) end}})
      local kids = {}
      for _, ms in ipairs({600, 800, 5000}) do kids[#kids + 1] = otp.supervisor.start_child(sup, {ms}) end
      otp.send(me, {sup = sup, kids = kids})
      otp.sleep(100)
      otp.exit("shutdown")
    end)
    local m = otp.receive()
    local refs = {}
    for i, pid in ipairs(m.kids) do refs[otp.monitor(pid)] = i end
    local sref = otp.monitor(m.sup)
    for _ = 1, 4 do
      local d = otp.receive({tag = "DOWN"})
      if d.ref == sref then r.sup = {d.reason, otp.now()}
      else r.downs[refs[d.ref]] = {d.reason, otp.now()} end
    end
  end)
  return r
end

local timed, brutal = run(1000), run("brutal_kill")

E.check("every child is asked to shut down at once", function()
  local starts = {}
  for _, l in ipairs(timed.log) do if l[4] == 100 then starts[#starts + 1] = {l[2], l[3]} end end
  table.sort(starts, function(a, b) return a[1] < b[1] end)
  return starts, {{600, "shutdown"}, {800, "shutdown"}, {5000, "shutdown"}}
end)
E.check("one shared 1000 ms timer: the slow child is killed at 1100 ms", function()
  return timed.downs, {{"shutdown", 700}, {"shutdown", 900}, {"killed", 1100}}
end)
E.check("the supervisor exits shutdown at 1100 ms", function()
  return timed.sup, {"shutdown", 1100}
end)
E.check("brutal_kill: all children killed at once, no terminate", function()
  return {brutal.downs, brutal.sup, brutal.log},
         {{{"killed", 100}, {"killed", 100}, {"killed", 100}}, {"shutdown", 100}, {}}
end)
