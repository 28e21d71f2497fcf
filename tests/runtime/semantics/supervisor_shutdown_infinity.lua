-- supervisor_shutdown_infinity.lua
-- otp-semantics §3.6: "wait for DOWN up to Shutdown ms (infinity = forever)" and "A child
-- supervisor should have `shutdown => infinity`. Otherwise the grandchildren can be orphaned,
-- because the child supervisor is killed after it has unlinked its own children."
--
-- A worker with shutdown infinity whose terminate takes 20 s is waited for: terminate_child
-- returns at +20 s and the worker exits shutdown. A child supervisor (default shutdown infinity)
-- whose own worker takes 3 s to terminate is waited for as a whole: the grandchild terminates
-- with shutdown and the child supervisor exits shutdown.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local function slow(id, ms)
  return function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); return "ok", id end
    function W.terminate(reason)
      otp.sleep(ms)
      log[#log + 1] = {id, reason, otp.now()}
    end
    return otp.gen_server.start_link(W)
  end
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one"}, {
    {id = "w", start = slow("w", 20000), shutdown = "infinity"},
    {id = "inner", type = "supervisor", start = function()
      return otp.supervisor.start_link({}, {{id = "g", start = slow("g", 3000)}})
    end},
  })
  local which = otp.supervisor.which_children(sup)
  local refs = {}
  for _, c in ipairs(which) do refs[c.id] = otp.monitor(c.pid) end
  otp.sleep(100)
  got.w = {otp.supervisor.terminate_child(sup, "w"), otp.now()}
  got.w_down = otp.receive({tag = "DOWN", ref = refs.w}).reason
  got.inner = {otp.supervisor.terminate_child(sup, "inner"), otp.now()}
  got.inner_down = otp.receive({tag = "DOWN", ref = refs.inner}).reason
end)

E.check("shutdown infinity: the worker's 20 s terminate is waited for", function()
  return {got.w, got.w_down}, {{"ok", 20100}, "shutdown"}
end)
E.check("a child supervisor is waited for while it shuts its own children down", function()
  return {got.inner, got.inner_down}, {{"ok", 23100}, "shutdown"}
end)
E.check("both terminate callbacks ran to the end with shutdown", function()
  return log, {{"w", "shutdown", 20100}, {"g", "shutdown", 23100}}
end)
