-- supervisor.lua — otp.supervisor: OTP 25's supervisor (otp-semantics §3), as OTP builds it: a
-- gen_server whose callbacks start, watch and restart children.
--
-- Children are kept in start order (OTP keeps them newest first; which_children and shutdown
-- walk them in reverse start order, as OTP does). Restart intensity is counted on a whole-second
-- clock, floor(now_ms / 1000) since the start of the run, with OTP's inclusive window. Every
-- supervisor report goes to the trace as a "supervisor" event.
local otp, gen = ...
local M = {}

local RESTARTING = "restarting"

local function normal_exit(reason) return gen.is_normal_exit(reason) end

-- A child's pid is also indexed (st.by_pid) so an EXIT finds its child in O(1).
local function set_pid(st, child, pid)
  if otp.is_pid(child.pid) then st.by_pid[child.pid] = nil end
  child.pid = pid
  if otp.is_pid(pid) then st.by_pid[pid] = child end
end

local function sup_name(st) return st.name or tostring(otp.self()) end

local function report(st, what, child, pid, reason)
  otp._trace("supervisor", "report", what, "supervisor", sup_name(st),
             "child", child and child.id or "", "child_pid", pid and tostring(pid) or "",
             "reason", reason == nil and "" or reason)
end

-- ---- child specs -----------------------------------------------------------------------------

local function check_spec(spec, auto_shutdown)
  if type(spec) ~= "table" then return nil, {"invalid_child_spec", spec} end
  if spec.id == nil then return nil, "missing_id" end
  local start = spec.start
  if start == nil then return nil, "missing_start" end
  if type(start) ~= "function" and not (type(start) == "table" and type(start[1]) == "function") then
    return nil, {"invalid_mfa", start}
  end
  local restart = spec.restart or "permanent"
  if restart ~= "permanent" and restart ~= "transient" and restart ~= "temporary" then
    return nil, {"invalid_restart_type", restart}
  end
  local ctype = spec.type or "worker"
  if ctype ~= "worker" and ctype ~= "supervisor" then return nil, {"invalid_child_type", ctype} end
  local shutdown = spec.shutdown
  if shutdown == nil then shutdown = ctype == "worker" and 5000 or "infinity" end
  if not (shutdown == "brutal_kill" or shutdown == "infinity" or
          (math.type(shutdown) == "integer" and shutdown >= 0)) then
    return nil, {"invalid_shutdown", shutdown}
  end
  local significant = spec.significant or false
  if type(significant) ~= "boolean" then return nil, {"invalid_significant", significant} end
  if significant and auto_shutdown == "never" then
    return nil, {"bad_combination", {{"auto_shutdown", "never"}, {"significant", true}}}
  end
  if significant and restart == "permanent" then
    return nil, {"bad_combination", {{"restart", "permanent"}, {"significant", true}}}
  end
  return {id = spec.id, start = start, restart = restart, shutdown = shutdown, type = ctype,
          significant = significant}
end

local function check_specs(specs, auto_shutdown)
  local out, seen = {}, {}
  for i, spec in ipairs(specs) do
    local c, why = check_spec(spec, auto_shutdown)
    if not c then return nil, why end
    if seen[c.id] then return nil, {"duplicate_child_name", c.id} end
    seen[c.id] = true
    out[i] = c
  end
  return out
end

-- Without auto_shutdown (undefined in OTP) significant children are not checked against it.
function M.check_childspecs(specs, auto_shutdown)
  local ok, why = check_specs(specs, auto_shutdown)
  if not ok then return nil, why end
  return "ok"
end

local function check_flags(flags)
  flags = flags or {}
  local strategy = flags.strategy or "one_for_one"
  if strategy ~= "one_for_one" and strategy ~= "one_for_all" and strategy ~= "rest_for_one" and
     strategy ~= "simple_one_for_one" then
    return nil, {"invalid_strategy", strategy}
  end
  local intensity = flags.intensity == nil and 1 or flags.intensity
  if math.type(intensity) ~= "integer" or intensity < 0 then return nil, {"invalid_intensity", intensity} end
  local period = flags.period == nil and 5 or flags.period
  if math.type(period) ~= "integer" or period < 1 then return nil, {"invalid_period", period} end
  local auto = flags.auto_shutdown or "never"
  if auto ~= "never" and auto ~= "any_significant" and auto ~= "all_significant" then
    return nil, {"invalid_auto_shutdown", auto}
  end
  return {strategy = strategy, intensity = intensity, period = period, auto_shutdown = auto}
end

-- ---- starting and stopping one child ---------------------------------------------------------

-- Calls the child's start function with extra arguments appended; returns pid | "ignore" | nil, reason.
local function call_start(start, extra)
  local fn, args = start, {}
  if type(start) == "table" then
    fn = start[1]
    for i = 2, #start do args[#args + 1] = start[i] end
  end
  if extra then for _, a in ipairs(extra) do args[#args + 1] = a end end
  local ok, r1, r2 = gen.pcall(fn, table.unpack(args))
  if not ok then return nil, gen.reason_of(r1) end
  if otp.is_pid(r1) then return r1 end
  if r1 == "ignore" or (r1 == nil and r2 == "ignore") then return "ignore" end -- gen_server's ignore
  if r1 == nil then return nil, r2 end
  return nil, r1 -- any other value is the error, as {failed_to_start_child, Id, Value}
end

-- §3.6: monitor; exit(shutdown) (or kill); wait up to the shutdown time; kill; unlink; flush.
local function shutdown_child(st, child, pid)
  local mref = otp.monitor(pid)
  local down
  if child.shutdown == "brutal_kill" then
    otp.exit(pid, "kill")
    down = otp.receive({tag = "DOWN", ref = mref})
  else
    otp.exit(pid, "shutdown")
    if child.shutdown == "infinity" then
      down = otp.receive({tag = "DOWN", ref = mref})
    else
      down = otp.receive({tag = "DOWN", ref = mref}, child.shutdown)
      if not down then
        otp.exit(pid, "kill")
        down = otp.receive({tag = "DOWN", ref = mref})
      end
    end
  end
  otp.unlink(pid)
  local reason = down.reason
  local exit = otp.receive({tag = "EXIT", from = pid}, 0)
  if exit then reason = exit.reason end
  -- supervisor.erl shutdown/2: which exit reasons count as a clean shutdown
  local not_permanent = child.restart ~= "permanent"
  local soft = reason == "normal" or (type(reason) == "table" and reason[1] == "shutdown")
  local ok
  if child.shutdown == "brutal_kill" then
    ok = reason == "killed" or ((reason == "shutdown" or soft) and not_permanent)
  else
    ok = reason == "shutdown" or (soft and not_permanent)
  end
  if not ok then report(st, "shutdown_error", child, pid, reason) end
end

local function terminate_child_rec(st, child)
  if otp.is_pid(child.pid) then shutdown_child(st, child, child.pid) end
  set_pid(st, child, nil)
end

-- ---- the restart machinery -------------------------------------------------------------------

-- supervisor.erl add_restart/1: keep the restarts R with R >= Now - Period (whole seconds,
-- inclusive), add Now, allow if there are at most Intensity. Kept as a queue (oldest at
-- st.rhead) instead of OTP's newest-first list: the same set, O(1) per restart.
local function add_restart(st)
  local now = otp.now() // 1000
  local q = st.restarts
  while st.rhead <= #q and q[st.rhead] < now - st.period do
    q[st.rhead] = false
    st.rhead = st.rhead + 1
  end
  if st.rhead > 64 and st.rhead > #q // 2 then -- compact
    local nq = {}
    for i = st.rhead, #q do nq[#nq + 1] = q[i] end
    q, st.restarts, st.rhead = nq, nq, 1
  end
  q[#q + 1] = now
  return #q - st.rhead + 1 <= st.intensity
end

local function index_of(st, child)
  for i, c in ipairs(st.children) do if c == child then return i end end
end

local function remove_child(st, child)
  local i = index_of(st, child)
  if i then table.remove(st.children, i) end
end

-- Starts child (fresh, from its spec). Returns true, or false after marking it restarting.
local function start_one(st, child, extra)
  local pid, reason = call_start(child.start, extra or child.extra)
  if otp.is_pid(pid) then
    set_pid(st, child, pid)
    report(st, "child_started", child, pid)
    return true
  elseif pid == "ignore" then
    set_pid(st, child, nil)
    if child.restart == "temporary" then remove_child(st, child) end
    return true
  end
  report(st, "start_error", child, nil, reason)
  return false, reason
end

local try_again

local function restart_group(st, group)
  -- start group members in start order; on a failure mark it restarting and retry later
  for _, c in ipairs(group) do
    if index_of(st, c) then
      local ok = start_one(st, c)
      if not ok then
        set_pid(st, c, RESTARTING)
        try_again(st, c)
        return
      end
    end
  end
end

local function do_restart(st, child)
  local strategy = st.strategy
  if strategy == "one_for_one" or strategy == "simple_one_for_one" then
    local ok = start_one(st, child)
    if not ok then
      set_pid(st, child, RESTARTING)
      try_again(st, child)
    end
    return
  end
  local i = index_of(st, child)
  local from = strategy == "one_for_all" and 1 or i
  -- terminate the others of the group in reverse start order; temporary ones go away
  for k = #st.children, from, -1 do
    local c = st.children[k]
    if c ~= child then
      terminate_child_rec(st, c)
      if c.restart == "temporary" then table.remove(st.children, k) end
    end
  end
  local group = {}
  for k = from, #st.children do group[#group + 1] = st.children[k] end
  restart_group(st, group)
end

-- Returns "shutdown" when the restart intensity is exceeded (the supervisor must stop).
local function restart(st, child)
  if not add_restart(st) then
    report(st, "reached_max_restart_intensity", child, otp.is_pid(child.pid) and child.pid or nil, "shutdown")
    remove_child(st, child)
    return "shutdown"
  end
  do_restart(st, child)
end

try_again = function(st, child)
  otp.gen_server.cast(otp.self(), {"try_again_restart", child.id, child.key or false})
end

-- ---- auto_shutdown (§3.8) --------------------------------------------------------------------
local function auto_shutdown(st, child)
  if not child.significant or st.auto_shutdown == "never" then return false end
  if st.auto_shutdown == "any_significant" then return true end
  if st.strategy == "simple_one_for_one" then
    for _, c in pairs(st.dynamic) do if c.significant then return false end end
    return #st.dyn_restarting == 0 or not st.template.significant
  end
  for _, c in ipairs(st.children) do
    if c.significant and otp.is_pid(c.pid) then return false end
  end
  return true
end

-- ---- the gen_server callbacks ----------------------------------------------------------------
local Sup = {}

function Sup.init(args)
  otp.process_flag("trap_exit", true)
  local flags, why = check_flags(args.flags)
  if not flags then return "stop", {"supervisor_data", why} end
  local children, bad = check_specs(args.children or {}, flags.auto_shutdown)
  if not children then return "stop", {"start_spec", bad} end
  local st = {strategy = flags.strategy, intensity = flags.intensity, period = flags.period,
              auto_shutdown = flags.auto_shutdown, restarts = {}, rhead = 1, children = {}, name = args.name,
              dynamic = {}, by_pid = {}, dyn_restarting = {}, nextkey = 0}
  if st.strategy == "simple_one_for_one" then
    if #children ~= 1 then return "stop", {"bad_start_spec", "simple_one_for_one needs exactly one child spec"} end
    st.template = children[1]
    return "ok", st
  end
  for _, c in ipairs(children) do
    st.children[#st.children + 1] = c
    local ok, reason = start_one(st, c)
    if not ok then
      -- abort: terminate the started ones in reverse start order (§3.1)
      remove_child(st, c)
      for k = #st.children, 1, -1 do terminate_child_rec(st, st.children[k]) end
      return "stop", {"shutdown", {"failed_to_start_child", c.id, reason}}
    end
  end
  return "ok", st
end

-- simple_one_for_one: a dynamic child restarts with the same arguments; a failed start marks it
-- restarting and is retried through try_again_restart, counting intensity each time (§3.4).
local function dyn_restart(st, child)
  if not add_restart(st) then
    report(st, "reached_max_restart_intensity", child, nil, "shutdown")
    return "shutdown"
  end
  local pid, reason = call_start(child.start, child.extra)
  if otp.is_pid(pid) then
    child.pid = pid
    st.dynamic[pid] = child
    report(st, "child_started", child, pid)
    return
  end
  if pid == "ignore" then return end
  report(st, "start_error", child, nil, reason)
  if child.pid ~= RESTARTING then
    child.pid = RESTARTING
    st.nextkey = st.nextkey + 1
    child.key = st.nextkey
    st.dyn_restarting[#st.dyn_restarting + 1] = child
  end
  try_again(st, child)
end

local function find_by_pid(st, pid)
  if st.strategy == "simple_one_for_one" then return st.dynamic[pid] end
  return st.by_pid[pid]
end

local function find_by_id(st, id)
  for _, c in ipairs(st.children) do if c.id == id then return c end end
end

-- A child exited: §3.3's table.
local function child_exited(st, child, pid, reason)
  local restart_it
  if child.restart == "permanent" then
    restart_it = true
  elseif child.restart == "transient" then
    restart_it = not normal_exit(reason)
  else
    restart_it = false
  end
  if not normal_exit(reason) or child.restart == "permanent" then
    report(st, "child_terminated", child, pid, reason)
  end
  if restart_it then
    set_pid(st, child, nil)
    return restart(st, child)
  end
  if st.strategy == "simple_one_for_one" then
    st.dynamic[pid] = nil
  elseif child.restart == "temporary" then
    set_pid(st, child, nil)
    remove_child(st, child)
  else
    set_pid(st, child, nil)
  end
  if auto_shutdown(st, child) then return "shutdown" end
end

function Sup.handle_info(m, st)
  if type(m) == "table" and m.tag == "EXIT" then
    local child = find_by_pid(st, m.from)
    if not child then return "noreply", st end
    if st.strategy == "simple_one_for_one" then
      st.dynamic[m.from] = nil
      local restart_it = child.restart == "permanent" or (child.restart == "transient" and not normal_exit(m.reason))
      if not normal_exit(m.reason) or child.restart == "permanent" then
        report(st, "child_terminated", child, m.from, m.reason)
      end
      if restart_it then
        if dyn_restart(st, child) == "shutdown" then return "stop", "shutdown", st end
      elseif auto_shutdown(st, child) then
        return "stop", "shutdown", st
      end
      return "noreply", st
    end
    if child_exited(st, child, m.from, m.reason) == "shutdown" then return "stop", "shutdown", st end
  end
  return "noreply", st
end

function Sup.handle_cast(m, st)
  if type(m) == "table" and m[1] == "try_again_restart" then
    if st.strategy == "simple_one_for_one" then
      for i, c in ipairs(st.dyn_restarting) do
        if c.key == m[3] then
          if dyn_restart(st, c) == "shutdown" then return "stop", "shutdown", st end
          if c.pid ~= RESTARTING then table.remove(st.dyn_restarting, i) end
          break
        end
      end
      return "noreply", st
    end
    local live = find_by_id(st, m[2])
    if live and live.pid == RESTARTING then
      if restart(st, live) == "shutdown" then return "stop", "shutdown", st end
    end
  end
  return "noreply", st
end

local function which(st)
  local out = {}
  if st.strategy == "simple_one_for_one" then
    local pids = {}
    for pid in pairs(st.dynamic) do pids[#pids + 1] = pid end
    table.sort(pids)
    for _, pid in ipairs(pids) do
      out[#out + 1] = {id = "undefined", pid = pid, type = st.template.type}
    end
    for _ in ipairs(st.dyn_restarting) do
      out[#out + 1] = {id = "undefined", pid = RESTARTING, type = st.template.type}
    end
    return out
  end
  for k = #st.children, 1, -1 do
    local c = st.children[k]
    out[#out + 1] = {id = c.id, pid = c.pid == nil and "undefined" or c.pid, type = c.type}
  end
  return out
end

local function count(st)
  local specs, active, sups, workers = 0, 0, 0, 0
  if st.strategy == "simple_one_for_one" then
    for pid in pairs(st.dynamic) do
      specs = specs + 1
      if otp.is_alive(pid) then active = active + 1 end
    end
    if st.template.type == "supervisor" then sups = specs else workers = specs end
    return {specs = 1, active = active, supervisors = sups, workers = workers}
  end
  for _, c in ipairs(st.children) do
    specs = specs + 1
    if otp.is_pid(c.pid) and otp.is_alive(c.pid) then active = active + 1 end
    if c.type == "supervisor" then sups = sups + 1 else workers = workers + 1 end
  end
  return {specs = specs, active = active, supervisors = sups, workers = workers}
end

function Sup.handle_call(req, from, st)
  local op = req[1]
  local s1f1 = st.strategy == "simple_one_for_one"
  if op == "start_child" then
    if s1f1 then
      local t = st.template
      local c = {id = t.id, start = t.start, restart = t.restart, shutdown = t.shutdown, type = t.type,
                 significant = t.significant, extra = req[2] or {}}
      local pid, reason = call_start(c.start, c.extra)
      if otp.is_pid(pid) then
        c.pid = pid
        st.dynamic[pid] = c
        report(st, "child_started", c, pid)
        return "reply", {pid}, st
      end
      if pid == "ignore" then return "reply", {nil, "ignore"}, st end
      return "reply", {nil, reason}, st
    end
    local c, why = check_spec(req[2], st.auto_shutdown)
    if not c then return "reply", {nil, why}, st end
    local old = find_by_id(st, c.id)
    if old then
      if otp.is_pid(old.pid) then return "reply", {nil, {"already_started", old.pid}}, st end
      return "reply", {nil, "already_present"}, st
    end
    st.children[#st.children + 1] = c
    local pid, reason = call_start(c.start)
    if otp.is_pid(pid) then
      set_pid(st, c, pid)
      report(st, "child_started", c, pid)
      return "reply", {pid}, st
    end
    if pid == "ignore" then
      if c.restart == "temporary" then remove_child(st, c) end
      return "reply", {nil, "ignore"}, st
    end
    remove_child(st, c)
    report(st, "start_error", c, nil, reason)
    return "reply", {nil, {reason, req[2]}}, st
  elseif op == "terminate_child" then
    local key = req[2]
    if s1f1 then
      if not otp.is_pid(key) then return "reply", {nil, "simple_one_for_one"}, st end
      local c = st.dynamic[key]
      if not c then return "reply", {nil, "not_found"}, st end
      shutdown_child(st, c, key)
      st.dynamic[key] = nil
      return "reply", {"ok"}, st
    end
    local c = otp.is_pid(key) and find_by_pid(st, key) or find_by_id(st, key)
    if not c then return "reply", {nil, "not_found"}, st end
    terminate_child_rec(st, c)
    if c.restart == "temporary" then remove_child(st, c) end
    return "reply", {"ok"}, st
  elseif op == "restart_child" then
    if s1f1 then return "reply", {nil, "simple_one_for_one"}, st end
    local c = find_by_id(st, req[2])
    if not c then return "reply", {nil, "not_found"}, st end
    if c.pid == RESTARTING then return "reply", {nil, "restarting"}, st end
    if otp.is_pid(c.pid) then return "reply", {nil, "running"}, st end
    local pid, reason = call_start(c.start)
    if otp.is_pid(pid) then
      set_pid(st, c, pid)
      report(st, "child_started", c, pid)
      return "reply", {pid}, st
    end
    if pid == "ignore" then return "reply", {nil, "ignore"}, st end
    report(st, "start_error", c, nil, reason)
    return "reply", {nil, reason}, st
  elseif op == "delete_child" then
    if s1f1 then return "reply", {nil, "simple_one_for_one"}, st end
    local c = find_by_id(st, req[2])
    if not c then return "reply", {nil, "not_found"}, st end
    if c.pid == RESTARTING then return "reply", {nil, "restarting"}, st end
    if otp.is_pid(c.pid) then return "reply", {nil, "running"}, st end
    remove_child(st, c)
    return "reply", {"ok"}, st
  elseif op == "which_children" then
    return "reply", {which(st)}, st
  elseif op == "count_children" then
    return "reply", {count(st)}, st
  elseif op == "get_childspec" then
    local c = s1f1 and st.template or (otp.is_pid(req[2]) and find_by_pid(st, req[2]) or find_by_id(st, req[2]))
    if not c then return "reply", {nil, "not_found"}, st end
    return "reply", {{id = c.id, start = c.start, restart = c.restart, shutdown = c.shutdown,
                      type = c.type, significant = c.significant}}, st
  end
  return "reply", {nil, "unknown_call"}, st
end

-- Shutdown: children in reverse start order, one after another (§3.6); simple_one_for_one: all
-- at once with one shared timer (§3.5), in pid order.
function Sup.terminate(reason, st)
  if st.strategy == "simple_one_for_one" then
    local t = st.template
    local pids = {}
    for pid in pairs(st.dynamic) do pids[#pids + 1] = pid end
    table.sort(pids)
    local refs = {}
    for _, pid in ipairs(pids) do
      refs[pid] = otp.monitor(pid)
      otp.exit(pid, t.shutdown == "brutal_kill" and "kill" or "shutdown")
    end
    local deadline = type(t.shutdown) == "number" and otp.now() + t.shutdown or nil
    for _, pid in ipairs(pids) do
      local d
      if deadline then
        d = otp.receive({tag = "DOWN", ref = refs[pid]}, math.max(0, deadline - otp.now()))
      else
        d = otp.receive({tag = "DOWN", ref = refs[pid]})
      end
      if not d then
        otp.exit(pid, "kill")
        otp.receive({tag = "DOWN", ref = refs[pid]})
      end
      otp.unlink(pid)
      otp.receive({tag = "EXIT", from = pid}, 0)
    end
    return
  end
  for k = #st.children, 1, -1 do terminate_child_rec(st, st.children[k]) end
end

-- ---- the API -----------------------------------------------------------------------------------
-- Calls answer {value} or {nil, reason}; the API returns value, or nil and the reason.
local function sup_call(sup, req)
  local r = otp.gen_server.call(sup, req, "infinity")
  if r[1] == nil then return nil, r[2] end
  return r[1]
end

function M.start_link(flags, children, opts)
  opts = opts or {}
  return otp.gen_server.start_link(Sup, {flags = flags, children = children, name = opts.name},
                                   {name = opts.name, node = opts.node})
end

function M.start(flags, children, opts)
  opts = opts or {}
  return otp.gen_server.start(Sup, {flags = flags, children = children, name = opts.name},
                              {name = opts.name, node = opts.node})
end

function M.start_child(sup, spec_or_args) return sup_call(sup, {"start_child", spec_or_args}) end
function M.terminate_child(sup, id_or_pid) return sup_call(sup, {"terminate_child", id_or_pid}) end
function M.restart_child(sup, id) return sup_call(sup, {"restart_child", id}) end
function M.delete_child(sup, id) return sup_call(sup, {"delete_child", id}) end
function M.which_children(sup) return sup_call(sup, {"which_children"}) end
function M.count_children(sup) return sup_call(sup, {"count_children"}) end
function M.get_childspec(sup, id) return sup_call(sup, {"get_childspec", id}) end
function M.stop(sup, reason, timeout) return otp.gen_server.stop(sup, reason, timeout) end

return M
