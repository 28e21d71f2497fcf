-- supervisor_which_children_order.lua
-- otp-semantics §3.2: "Children are kept in **reverse start order** (`{Ids,Db}` with the newest
-- first). `which_children/1` returns that order, for example `[d,c,b,a]`. [RUN] Shutdown iterates
-- this list."
--
-- Static children a, b, c, d give [d,c,b,a]. start_child(e) puts e first. A restart (one_for_one)
-- and terminate_child + restart_child keep a child's place; delete_child + start_child makes it
-- the newest. Stopping the supervisor terminates the children in the listed order.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local function spec(id)
  return {id = id, start = function()
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); return "ok", id end
    function W.terminate(reason) log[#log + 1] = {id, reason} end
    local pid = otp.gen_server.start_link(W)
    pids[id] = pid
    return pid
  end}
end

local function ids(which)
  local out = {}
  for i, c in ipairs(which) do out[i] = c.id end
  return out
end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 10},
                                        {spec("a"), spec("b"), spec("c"), spec("d")})
  local which = otp.supervisor.which_children(sup)
  got.initial = which
  got.initial_pids = {pids.d, pids.c, pids.b, pids.a}
  otp.supervisor.start_child(sup, spec("e"))
  got.after_start_child = ids(otp.supervisor.which_children(sup))
  local old_b = pids.b
  otp.exit(pids.b, "kill")
  otp.sleep(1)
  got.b_restarted = pids.b ~= old_b
  got.after_restart = ids(otp.supervisor.which_children(sup))
  otp.supervisor.terminate_child(sup, "c")
  otp.supervisor.restart_child(sup, "c")
  got.after_terminate_restart = ids(otp.supervisor.which_children(sup))
  otp.supervisor.terminate_child(sup, "d")
  otp.supervisor.delete_child(sup, "d")
  otp.supervisor.start_child(sup, spec("d"))
  got.after_delete_start = ids(otp.supervisor.which_children(sup))
  log = {}
  otp.exit(sup, "shutdown")
  otp.receive({tag = "EXIT", from = sup})
end)

E.check("static children are listed newest first", function()
  local w = {}
  for i, c in ipairs(got.initial) do w[i] = {c.id, c.pid, c.type} end
  local p = got.initial_pids
  return w, {{"d", p[1], "worker"}, {"c", p[2], "worker"}, {"b", p[3], "worker"}, {"a", p[4], "worker"}}
end)
E.check("start_child adds the newest", function()
  return got.after_start_child, {"e", "d", "c", "b", "a"}
end)
E.check("a restarted child keeps its place", function()
  return {got.b_restarted, got.after_restart}, {true, {"e", "d", "c", "b", "a"}}
end)
E.check("terminate_child + restart_child keeps its place", function()
  return got.after_terminate_restart, {"e", "d", "c", "b", "a"}
end)
E.check("delete_child + start_child makes it the newest", function()
  return got.after_delete_start, {"d", "e", "c", "b", "a"}
end)
E.check("shutdown terminates children in the listed order", function()
  return log, {{"d", "shutdown"}, {"e", "shutdown"}, {"c", "shutdown"}, {"b", "shutdown"},
               {"a", "shutdown"}}
end)
