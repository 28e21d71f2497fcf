-- supervisor_shutdown_protocol.lua
-- otp-semantics §3.6: "monitor(Child); exit(Child, shutdown) % or exit(Child, kill) for
-- brutal_kill / wait for DOWN up to Shutdown ms (infinity = forever) / on timeout: exit(Child,
-- kill), wait for DOWN" and "**Observed [RUN]**, children started in the order s_brutal,
-- s_stubborn (traps, blocks in terminate, shutdown 300), s_polite (traps, 1000), s_nontrapping
-- (trap false, 1000). Supervisor stop gives:
--   s_nontrapping : dies immediately from the 'shutdown' signal, NO terminate callback
--   s_polite      : terminate(shutdown) ... exits
--   s_stubborn    : terminate(shutdown) starts, blocks -> killed 300 ms later
--   s_brutal      : killed, NO terminate callback
--   supervisor exits 'shutdown' at t=+310ms
-- Children are shut down **sequentially**, each waiting up to its own shutdown time, so a
-- supervisor's total shutdown time is the sum."
--
-- All four are gen_servers recording terminate; s_polite's terminate takes 10 ms (the +10 of the
-- observation), s_brutal traps exits too. The parent exits shutdown at 100 ms; monitors record
-- each child's exit reason and time.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local function spec(id, trap, shutdown, terminate_ms)
  return {id = id, shutdown = shutdown, start = function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", trap); return "ok", id end
    function W.terminate(reason)
      log[#log + 1] = {id, "terminate", reason, otp.now()}
      otp.sleep(terminate_ms)
    end
    return otp.gen_server.start_link(W)
  end}
end

local got = {downs = {}}

sim.spawn("n", function()
  local me = otp.self()
  otp.spawn(function()
    local sup = otp.supervisor.start_link({strategy = "one_for_one"}, {
      spec("s_brutal", true, "brutal_kill", 0),
      spec("s_stubborn", true, 300, 60000),
      spec("s_polite", true, 1000, 10),
      spec("s_nontrapping", false, 1000, 0),
    })
    otp.send(me, sup)
    otp.sleep(100)
    otp.exit("shutdown")
  end)
  local sup = otp.receive()
  local names = {}
  for _, c in ipairs(otp.supervisor.which_children(sup)) do names[otp.monitor(c.pid)] = c.id end
  local sref = otp.monitor(sup)
  for _ = 1, 5 do
    local d = otp.receive({tag = "DOWN"})
    got.downs[#got.downs + 1] = {d.ref == sref and "supervisor" or names[d.ref], d.reason, otp.now()}
  end
end)

E.check("terminate callbacks: s_polite then s_stubborn, with shutdown; none for the others", function()
  return log, {{"s_polite", "terminate", "shutdown", 100}, {"s_stubborn", "terminate", "shutdown", 110}}
end)
E.check("exits: newest first, one after another; the supervisor exits shutdown at +310 ms", function()
  return got.downs, {{"s_nontrapping", "shutdown", 100}, {"s_polite", "shutdown", 110},
                     {"s_stubborn", "killed", 410}, {"s_brutal", "killed", 410},
                     {"supervisor", "shutdown", 410}}
end)
