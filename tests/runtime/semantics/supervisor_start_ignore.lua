-- supervisor_start_ignore.lua
-- otp-semantics §3.1: "Per child, the start function returns: [...] `ignore` → the spec is kept
-- with `pid=undefined`, or **removed** if the child is `temporary`."
--
-- Start functions that return "ignore" (Erlang's `ignore`) for a permanent, a transient and a
-- temporary child, between two running workers: start_link succeeds, which_children lists the
-- permanent and transient ones as undefined, the temporary one is gone; count_children agrees,
-- and restart_child starts an ignored child later.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local pids, ignoring = {}, true

local function worker(id)
  return function()
    if ignoring and id ~= "w1" and id ~= "w2" then return "ignore" end
    local pid = otp.spawn_link(function() otp.receive() end)
    pids[id] = pid
    return pid
  end
end

local got = {}

sim.spawn("n", function()
  local sup, why = otp.supervisor.start_link({strategy = "one_for_one"}, {
    {id = "w1", start = worker("w1")},
    {id = "perm", start = worker("perm")},
    {id = "trans", start = worker("trans"), restart = "transient"},
    {id = "temp", start = worker("temp"), restart = "temporary"},
    {id = "w2", start = worker("w2")},
  })
  got.start = {otp.is_pid(sup), why}
  got.which = otp.supervisor.which_children(sup)
  got.count = otp.supervisor.count_children(sup)
  ignoring = false
  got.restart = otp.supervisor.restart_child(sup, "perm")
  got.restarted = got.restart == pids.perm and otp.is_alive(pids.perm)
end)

E.check("start_link succeeds", function() return got.start, {true, nil} end)
E.check("ignored permanent/transient children are kept with pid undefined; temporary removed", function()
  return got.which, {{id = "w2", pid = pids.w2, type = "worker"},
                     {id = "trans", pid = "undefined", type = "worker"},
                     {id = "perm", pid = "undefined", type = "worker"},
                     {id = "w1", pid = pids.w1, type = "worker"}}
end)
E.check("count_children: 4 specs, 2 active", function()
  return got.count, {specs = 4, active = 2, supervisors = 0, workers = 4}
end)
E.check("restart_child starts an ignored child", function() return got.restarted, true end)
