-- supervisor_exit_unknown_pid_ignored.lua
-- otp-semantics §3.3: "An `EXIT` from an unknown pid is ignored. A non-child linked process dying
-- does nothing, except the parent's `EXIT`, which `gen_server` turns into termination."
--
-- A stranger links itself to the supervisor and dies with "boom": the supervisor lives on, its
-- children keep their pids, nothing restarts. Then the parent (the process that called
-- start_link) exits {shutdown, bye}: the supervisor shuts its children down (reason shutdown)
-- and exits with the parent's reason.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, starts = {}, 0

local function spec(id)
  return {id = id, start = function()
    starts = starts + 1
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); return "ok", id end
    function W.terminate(reason) log[#log + 1] = {id, reason} end
    return otp.gen_server.start_link(W)
  end}
end

local got = {}

sim.spawn("n", function()
  local me = otp.self()
  local parent = otp.spawn(function()
    local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 0},
                                          {spec("a"), spec("b")})
    otp.send(me, {sup = sup})
    otp.receive({go = true})
    otp.exit({"shutdown", "bye"})
  end)
  local sup = otp.receive({sup = otp.any}).sup
  local before = otp.supervisor.which_children(sup)
  local stranger = otp.spawn(function(s) otp.link(s); otp.sleep(10); otp.exit("boom") end, sup)
  otp.sleep(20)
  got.stranger_dead = not otp.is_alive(stranger)
  got.sup_alive = otp.is_alive(sup)
  got.same_children = otp.supervisor.which_children(sup)
  got.before = before
  got.starts = starts
  local ref = otp.monitor(sup)
  otp.send(parent, {go = true})
  got.sup_down = otp.receive({tag = "DOWN", ref = ref}).reason
end)

E.check("an EXIT from a stranger is ignored", function()
  return {got.stranger_dead, got.sup_alive, got.starts}, {true, true, 2}
end)
E.check("the children are untouched", function() return got.same_children, got.before end)
E.check("the parent's EXIT terminates the supervisor with the parent's reason", function()
  return got.sup_down, {"shutdown", "bye"}
end)
E.check("children are shut down with reason shutdown, newest first", function()
  return log, {{"b", "shutdown"}, {"a", "shutdown"}}
end)
