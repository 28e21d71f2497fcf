-- supervisor_rest_for_one.lua
-- otp-semantics §3.5: "**rest_for_one**: split at the failed child. Terminate the children
-- *after* it in reverse order, then restart the failed child and those after it, in order. [RUN
-- kill b → terminate d, c; start b, c, d]" and §3.9: "Restarting a child does not restart the
-- children started before it, except with `one_for_all`."
--
-- Trapping gen_server children a, b, c, d record start and terminate; b is killed at 100 ms; a
-- keeps its pid.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local function spec(id)
  return {id = id, start = function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); log[#log + 1] = "start " .. id; return "ok", id end
    function W.terminate(reason) log[#log + 1] = "terminate " .. id .. " " .. reason end
    pids[id] = otp.gen_server.start_link(W)
    return pids[id]
  end}
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "rest_for_one", intensity = 1},
                                        {spec("a"), spec("b"), spec("c"), spec("d")})
  local a = pids.a
  otp.sleep(100)
  log[#log + 1] = "kill b"
  otp.exit(pids.b, "kill")
  otp.sleep(10)
  got.which = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do
    got.which[i] = {c.id, c.pid == pids[c.id] and otp.is_alive(c.pid)}
  end
  got.log = {table.unpack(log)}
  got.a_same = pids.a == a
end)

E.check("terminate d, c; start b, c, d", function()
  return got.log, {"start a", "start b", "start c", "start d", "kill b",
               "terminate d shutdown", "terminate c shutdown",
               "start b", "start c", "start d"}
end)
E.check("which_children [d, c, b, a]; a untouched", function()
  return {got.which, got.a_same}, {{{"d", true}, {"c", true}, {"b", true}, {"a", true}}, true}
end)
