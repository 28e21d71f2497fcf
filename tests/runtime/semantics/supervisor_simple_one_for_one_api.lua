-- supervisor_simple_one_for_one_api.lua
-- otp-semantics §3.5: "**simple_one_for_one**: one template spec. `start_child(Sup, ExtraArgs)`
-- appends the ExtraArgs to the template's args. [...] `terminate_child(Sup, Pid)` works; using
-- the Id gives `{error,simple_one_for_one}`. `restart_child` and `delete_child` →
-- `{error,simple_one_for_one}`. [RUN]"
--
-- The template starts {start_worker, "base"}; start_child(sup, {1, "x"}) calls
-- start_worker("base", 1, "x"). No child runs before start_child. A crashed (permanent) dynamic
-- child restarts with the same full argument list. count_children counts one spec.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local calls, log = {}, {}

local W = {}
function W.init(args) otp.process_flag("trap_exit", true); return "ok", args end
function W.terminate(reason, args) log[#log + 1] = {"terminate", args[2], reason} end

local function start_worker(...)
  local args = {...}
  calls[#calls + 1] = args
  return otp.gen_server.start_link(W, args)
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "simple_one_for_one", intensity = 5},
                                        {{id = "tpl", start = {start_worker, "base"}}})
  got.initial = {otp.supervisor.which_children(sup), #calls}
  local p1 = otp.supervisor.start_child(sup, {1, "x"})
  local p2 = otp.supervisor.start_child(sup, {2, "y"})
  local p3 = otp.supervisor.start_child(sup, {3, "z"})
  got.calls = {table.unpack(calls)}
  got.count = otp.supervisor.count_children(sup)
  local which = otp.supervisor.which_children(sup)
  local listed = {}
  for _, c in ipairs(which) do listed[#listed + 1] = {c.id, c.type}; listed[c.pid] = true end
  got.listed = {#which, listed[1], listed[p1], listed[p2], listed[p3]}
  got.by_id = {otp.supervisor.terminate_child(sup, "tpl")}
  got.restart = {otp.supervisor.restart_child(sup, "tpl")}
  got.delete = {otp.supervisor.delete_child(sup, "tpl")}
  got.terminate = {otp.supervisor.terminate_child(sup, p2)}
  got.p2_alive = otp.is_alive(p2)
  got.after_terminate = #otp.supervisor.which_children(sup)
  calls = {}
  otp.exit(p1, "kill")
  otp.sleep(1)
  got.restart_call = calls
  got.final_count = otp.supervisor.count_children(sup)
  got.log = {table.unpack(log)}
end)

E.check("no child before start_child", function() return got.initial, {{}, 0} end)
E.check("start_child appends the extra args to the template's", function()
  return got.calls, {{"base", 1, "x"}, {"base", 2, "y"}, {"base", 3, "z"}}
end)
E.check("count_children: one spec, three active workers", function()
  return got.count, {specs = 1, active = 3, supervisors = 0, workers = 3}
end)
E.check("which_children: three children with id undefined", function()
  return got.listed, {3, {"undefined", "worker"}, true, true, true}
end)
E.check("terminate_child/restart_child/delete_child by id: simple_one_for_one", function()
  return {got.by_id, got.restart, got.delete},
         {{nil, "simple_one_for_one"}, {nil, "simple_one_for_one"}, {nil, "simple_one_for_one"}}
end)
E.check("terminate_child by pid: ok, the child gets shutdown and is gone", function()
  return {got.terminate, got.p2_alive, got.after_terminate}, {{"ok"}, false, 2}
end)
E.check("a crashed dynamic child restarts with its full argument list", function()
  return {got.restart_call, got.final_count},
         {{{"base", 1, "x"}}, {specs = 1, active = 2, supervisors = 0, workers = 2}}
end)
E.check("terminate callbacks", function() return got.log, {{"terminate", 2, "shutdown"}} end)
