-- supervisor_escalation_nested.lua
-- otp-semantics §3.4: "A supervisor that gives up exits with **`shutdown`**, and its parent
-- treats that as an ordinary child exit. If the child supervisor is `permanent`, the parent
-- restarts it, subject to the parent's intensity. If it is **`transient`, it is NOT restarted**,
-- because `shutdown` counts as a normal exit for transient children; the failure then stops
-- propagating at that level. If it is `temporary`, it is removed. [RUN `dt_nested`: inner
-- supervisor with intensity 0, leaf killed → permanent inner restarted (`started leaf` again,
-- `which_children [{inner,true}]`); transient inner → `[{inner,false}]`]" and §3.9:
-- "Supervisors never restart themselves. Escalation happens only through the parent."
--
-- Three trees outer → inner (intensity 0) → leaf, with inner permanent, transient, temporary.
-- The leaf is killed at 100 ms; which_children(outer) is read at 200 ms.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function tree(restart)
  local r = {log = {}}
  local leaf
  local function start_leaf()
    leaf = otp.spawn_link(function() otp.receive() end)
    r.log[#r.log + 1] = "started leaf"
    return leaf
  end
  local function start_inner()
    local pid, why = otp.supervisor.start_link({strategy = "one_for_one", intensity = 0},
                                               {{id = "leaf", start = start_leaf}})
    r.log[#r.log + 1] = "started inner"
    r.inner = pid
    return pid, why
  end
  sim.spawn("n", function()
    local outer = otp.supervisor.start_link({strategy = "one_for_one", intensity = 5}, {
      {id = "inner", start = start_inner, type = "supervisor", restart = restart},
    })
    local first_inner = r.inner
    local ref = otp.monitor(first_inner)
    otp.sleep(100)
    otp.exit(leaf, "kill")
    r.inner_exit = otp.receive({tag = "DOWN", ref = ref}).reason
    otp.sleep(100)
    r.which = {}
    for i, c in ipairs(otp.supervisor.which_children(outer)) do
      local state = c.pid
      if otp.is_pid(c.pid) then state = c.pid ~= first_inner and otp.is_alive(c.pid) and "new pid" or "old pid" end
      r.which[i] = {c.id, state, c.type}
    end
    r.outer_alive = otp.is_alive(outer)
    r.snapshot = {table.unpack(r.log)}
  end)
  return r
end

local perm, trans, temp = tree("permanent"), tree("transient"), tree("temporary")

E.check("the inner supervisor gives up with reason shutdown", function()
  return {perm.inner_exit, trans.inner_exit, temp.inner_exit}, {"shutdown", "shutdown", "shutdown"}
end)
E.check("permanent inner: restarted by outer, with a fresh leaf", function()
  return {perm.snapshot, perm.which},
         {{"started leaf", "started inner", "started leaf", "started inner"},
          {{"inner", "new pid", "supervisor"}}}
end)
E.check("transient inner: not restarted, listed undefined", function()
  return {trans.snapshot, trans.which},
         {{"started leaf", "started inner"}, {{"inner", "undefined", "supervisor"}}}
end)
E.check("temporary inner: removed", function()
  return {temp.snapshot, temp.which}, {{"started leaf", "started inner"}, {}}
end)
E.check("the outer supervisors live on", function()
  return {perm.outer_alive, trans.outer_alive, temp.outer_alive}, {true, true, true}
end)
