-- supervisor_killed_brutally.lua
-- otp-semantics §3.7: "If a supervisor is `kill`ed, no shutdown procedure runs. Trapping
-- gen_server children receive `{'EXIT', Sup, killed}` from their **parent** and run
-- `terminate(killed)`, which gets an error report because `killed` is not `shutdown`.
-- Non-trapping children die with `killed`. [RUN]"
--
-- Children: a trapping gen_server whose terminate takes 2 s, a non-trapping gen_server, and a
-- plain spawn_link process. The supervisor is killed at 100 ms: the trapping child runs
-- terminate(killed) for its whole 2 s (nobody kills it) and exits killed; the others die at once
-- with killed, without terminate.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local function gs(id, trap)
  return {id = id, start = function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", trap); return "ok", id end
    function W.handle_info(m, s) log[#log + 1] = {id, "handle_info", m}; return "noreply", s end
    function W.terminate(reason)
      log[#log + 1] = {id, "terminate", reason, otp.now()}
      otp.sleep(2000)
    end
    return otp.gen_server.start_link(W)
  end}
end

local got = {downs = {}}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({strategy = "one_for_one"}, {
    gs("trapping", true),
    gs("plain_gs", false),
    {id = "proc", start = function() return otp.spawn_link(function() otp.receive() end) end},
  })
  local names = {}
  for _, c in ipairs(otp.supervisor.which_children(sup)) do names[otp.monitor(c.pid)] = c.id end
  otp.sleep(100)
  otp.exit(sup, "kill")
  for _ = 1, 3 do
    local d = otp.receive({tag = "DOWN"})
    got.downs[names[d.ref]] = {d.reason, otp.now()}
  end
end)

E.check("only the trapping gen_server runs terminate, with killed (from its parent)", function()
  return log, {{"trapping", "terminate", "killed", 100}}
end)
E.check("exit reasons and times: no shutdown procedure, nobody kills the slow terminate", function()
  return got.downs, {trapping = {"killed", 2100}, plain_gs = {"killed", 100}, proc = {"killed", 100}}
end)
