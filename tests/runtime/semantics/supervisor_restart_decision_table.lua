-- supervisor_restart_decision_table.lua
-- otp-semantics §3.3: "Restart decision:
-- | restart \ Reason | `normal` | `shutdown` | `{shutdown,_}` | other |
-- | permanent | restart (+error report) | restart | restart | restart |
-- | transient | delete pid, no restart | no restart | no restart | restart |
-- | temporary | **remove spec**, no restart | remove | remove | remove (+report) |
-- [RUN `restart_types`: p1 normal → restarted; t1 normal, t2 `{shutdown,bye}` → not restarted;
-- t3 `oops` → restarted; tmp1 → gone from `which_children`]"
--
-- Twelve gen_server children, one per cell, each stopping itself with its reason 10 ms apart
-- (intensity 100 leaves room for every restart). Afterwards: how often each started, and
-- which_children (restarted ones have a new pid, non-restarted transient ones are undefined,
-- temporary ones are gone).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local reasons = {normal = "normal", shutdown = "shutdown", shutdown_x = {"shutdown", "bye"},
                 other = "oops"}
local reason_order = {"normal", "shutdown", "shutdown_x", "other"}
local restarts = {permanent = "p", transient = "t", temporary = "tmp"}
local restart_order = {"permanent", "transient", "temporary"}

local starts, pids = {}, {}

local Child = {}
function Child.init(id) starts[id] = (starts[id] or 0) + 1; return "ok", id end
function Child.handle_cast(msg, id) return "stop", msg, id end

local specs, order = {}, {}
for _, r in ipairs(restart_order) do
  for _, why in ipairs(reason_order) do
    local id = restarts[r] .. "_" .. why
    order[#order + 1] = {id = id, reason = reasons[why]}
    specs[#specs + 1] = {id = id, restart = r, start = {function(i)
      local pid = otp.gen_server.start_link(Child, i)
      pids[i] = pid
      return pid
    end, id}}
  end
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 100}, specs)
  local first = {}
  for id, pid in pairs(pids) do first[id] = pid end
  for _, o in ipairs(order) do
    otp.gen_server.cast(pids[o.id], o.reason)
    otp.sleep(10)
  end
  got.which = {}
  for _, c in ipairs(otp.supervisor.which_children(sup)) do
    local state
    if c.pid == "undefined" then state = "undefined"
    elseif c.pid == first[c.id] then state = "same pid"
    elseif otp.is_pid(c.pid) and otp.is_alive(c.pid) then state = "new pid"
    else state = c.pid end
    got.which[#got.which + 1] = {c.id, state}
  end
end)

E.check("start counts: permanent always restarted, transient only for other, temporary never", function()
  return starts, {p_normal = 2, p_shutdown = 2, p_shutdown_x = 2, p_other = 2,
                  t_normal = 1, t_shutdown = 1, t_shutdown_x = 1, t_other = 2,
                  tmp_normal = 1, tmp_shutdown = 1, tmp_shutdown_x = 1, tmp_other = 1}
end)
E.check("which_children: temporary specs removed, non-restarted transient ones undefined", function()
  return got.which, {{"t_other", "new pid"}, {"t_shutdown_x", "undefined"},
                     {"t_shutdown", "undefined"}, {"t_normal", "undefined"},
                     {"p_other", "new pid"}, {"p_shutdown_x", "new pid"},
                     {"p_shutdown", "new pid"}, {"p_normal", "new pid"}}
end)
