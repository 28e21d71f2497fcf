-- supervisor_one_for_all.lua
-- otp-semantics §3.5: "**one_for_all**: remove the failed child from the list, terminate all
-- others in reverse start order (**temporary siblings are terminated and deleted, never
-- restarted**), then start all in start order. [RUN children a,b,c(temporary),d; kill b →
-- terminate d, c, a; start a, b, d; `which_children` `[d,b,a]`]"
--
-- Trapping gen_server children record start and terminate; b is killed at 100 ms. The restart
-- counts once (intensity 1 is enough).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local function spec(id, restart)
  return {id = id, restart = restart, start = function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); log[#log + 1] = "start " .. id; return "ok", id end
    function W.terminate(reason) log[#log + 1] = "terminate " .. id .. " " .. reason end
    pids[id] = otp.gen_server.start_link(W)
    return pids[id]
  end}
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_all", intensity = 1},
                                        {spec("a"), spec("b"), spec("c", "temporary"), spec("d")})
  otp.sleep(100)
  log[#log + 1] = "kill b"
  otp.exit(pids.b, "kill")
  otp.sleep(10)
  got.which = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do
    got.which[i] = {c.id, c.pid == pids[c.id] and otp.is_alive(c.pid)}
  end
  got.log = {table.unpack(log)}
  got.alive = otp.is_alive(sup)
end)

E.check("terminate d, c, a; start a, b, d", function()
  return got.log, {"start a", "start b", "start c", "start d", "kill b",
               "terminate d shutdown", "terminate c shutdown", "terminate a shutdown",
               "start a", "start b", "start d"}
end)
E.check("which_children [d, b, a], all running; the supervisor lives", function()
  return {got.which, got.alive}, {{{"d", true}, {"b", true}, {"a", true}}, true}
end)
