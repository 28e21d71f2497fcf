-- application.lua — otp.application: OTP 25's applications (otp-semantics §5), reduced to what a
-- simulated node needs: definitions, dependencies, start types, environment, and the node halt
-- that a transient or permanent application's death causes.
--
-- Per node, an "application_controller" gen_server (started on first use) keeps which
-- applications run. Each running application has a master process that starts the top
-- supervisor, watches it, and on its death reports to the controller: a temporary application
-- just stops; a transient one halts the node unless the reason is normal; a permanent one halts
-- the node. Every start, stop and exit is traced as an "application" event (a start with the
-- master's pid).
local otp, gen = ...
local M = {}

local defs = {}      -- name -> definition (shared configuration, not process state)
local env = {}       -- name -> {key = value}: like OTP's application environment table

local function trace(name, event, extra_k, extra_v)
  if extra_k then otp._trace("application", "app", name, "event", event, extra_k, extra_v)
  else otp._trace("application", "app", name, "event", event) end
end

function M.define(spec)
  if type(spec) ~= "table" or type(spec.name) ~= "string" then
    error("application.define: needs {name = string, start = function(type, args) ... }", 2)
  end
  if type(spec.start) ~= "function" then error("application.define: start must be a function", 2) end
  local d = {name = spec.name, start = spec.start, stop = spec.stop, prep_stop = spec.prep_stop,
             args = spec.args, applications = spec.applications or {},
             description = spec.description or spec.name, vsn = spec.vsn or "1"}
  defs[spec.name] = d
  env[spec.name] = env[spec.name] or {}
  for k, v in pairs(spec.env or {}) do env[spec.name][k] = v end
  return spec.name
end

function M.get_env(app, key, default)
  local e = env[app]
  local v = e and e[key]
  if v == nil then return default end
  return v
end

function M.set_env(app, key, value)
  env[app] = env[app] or {}
  env[app][key] = value
  return "ok"
end

-- ---- the application master ------------------------------------------------------------------
local function master(controller, ref, name, type_)
  local d = defs[name]
  otp.process_flag("trap_exit", true)
  local ok, top, state = gen.pcall(d.start, "normal", d.args)
  if not ok or not otp.is_pid(top) then
    local reason = not ok and gen.reason_of(top) or (state == nil and {"bad_return", top} or state)
    gen.ack(controller, ref, {error = reason})
    return
  end
  gen.ack(controller, ref, {ok = otp.self()})
  while true do
    local m = otp.receive()
    if type(m) == "table" and m.tag == "EXIT" and m.from == top then
      if d.stop then pcall(d.stop, state) end
      otp.send(controller, {tag = "$app_exited", app = name, reason = m.reason})
      return
    elseif type(m) == "table" and m.tag == "$app_stop" then
      if d.prep_stop then local pok, s2 = pcall(d.prep_stop, state); if pok then state = s2 end end
      local mref = otp.monitor(top)
      otp.exit(top, "shutdown")
      otp.receive({tag = "DOWN", ref = mref})
      otp.receive({tag = "EXIT", from = top}, 0)
      if d.stop then pcall(d.stop, state) end
      gen.reply(m.from, "ok")
      return
    elseif type(m) == "table" and m.tag == "EXIT" and m.from == controller then
      otp.exit(top, "shutdown")
      return
    end
  end
end

-- ---- the controller ----------------------------------------------------------------------------
local Ctl = {}

function Ctl.init() otp.process_flag("trap_exit", true); return "ok", {running = {}, order = {}} end

local function deps_missing(st, d)
  for _, dep in ipairs(d.applications) do
    if not st.running[dep] then return dep end
  end
end

function Ctl.handle_call(req, from, st)
  local op, name = req[1], req[2]
  if op == "start" then
    local d = defs[name]
    if not d then return "reply", {nil, {"not_defined", name}}, st end
    if st.running[name] then return "reply", {nil, {"already_started", name}}, st end
    local missing = deps_missing(st, d)
    if missing then return "reply", {nil, {"not_started", missing}}, st end
    local r = gen.start(true, nil, master, name, req[3])
    if r.error then
      trace(name, "start_failed", "reason", r.error)
      return "reply", {nil, r.error}, st
    end
    st.running[name] = {master = r.ok, type = req[3]}
    st.order[#st.order + 1] = name
    -- the master's pid tells an observer which processes are the application's: the master and
    -- what it spawned (there are no group leaders to ask, docs/otp-differences.md)
    otp._trace("application", "app", name, "event", "started", "master", r.ok, "type", req[3])
    return "reply", {"ok"}, st
  elseif op == "stop" then
    local a = st.running[name]
    if not a then return "reply", {nil, {"not_started", name}}, st end
    st.running[name] = nil
    for i, n in ipairs(st.order) do if n == name then table.remove(st.order, i) break end end
    local mref = otp.monitor(a.master, {alias = true})
    otp.send(a.master, {tag = "$app_stop", from = {pid = otp.self(), ref = mref}})
    otp.receive({ref = mref})
    otp.demonitor(mref, {flush = true})
    otp.receive({tag = "EXIT", from = a.master}, 0)
    trace(name, "stopped")
    return "reply", {"ok"}, st
  elseif op == "which" then
    local out = {}
    for i = #st.order, 1, -1 do
      local d = defs[st.order[i]]
      out[#out + 1] = {d.name, d.description, d.vsn}
    end
    return "reply", {out}, st
  end
  return "reply", {nil, "unknown_call"}, st
end

function Ctl.handle_info(m, st)
  if type(m) == "table" and m.tag == "$app_exited" then
    local a = st.running[m.app]
    if not a then return "noreply", st end
    st.running[m.app] = nil
    for i, n in ipairs(st.order) do if n == m.app then table.remove(st.order, i) break end end
    trace(m.app, "exited", "reason", m.reason)
    if a.type == "permanent" or (a.type == "transient" and m.reason ~= "normal") then
      otp._trace("application", "app", m.app, "event", "halting_node", "reason", m.reason)
      otp._halt("application_terminated " .. m.app)
    end
  end
  return "noreply", st
end

local function controller()
  local pid = otp.whereis("application_controller")
  if pid then return pid end
  local started = otp.gen_server.start(Ctl, nil, {name = "application_controller"})
  return started or otp.whereis("application_controller")
end

local function ctl_call(req)
  local r = otp.gen_server.call(controller(), req, "infinity")
  if r[1] == nil then return nil, r[2] end
  return r[1]
end

-- start(name [, type = "temporary"]) → "ok" | nil, reason. Dependencies must run already.
function M.start(name, type_)
  type_ = type_ or "temporary"
  if type_ ~= "temporary" and type_ ~= "transient" and type_ ~= "permanent" then
    error("application.start: type must be temporary, transient or permanent", 2)
  end
  return ctl_call({"start", name, type_})
end

-- Starts the dependencies first (application:ensure_all_started).
function M.ensure_all_started(name, type_)
  local d = defs[name]
  if not d then return nil, {"not_defined", name} end
  for _, dep in ipairs(d.applications) do
    local ok, why = M.ensure_all_started(dep, type_)
    if not ok then return nil, why end
  end
  local ok, why = M.start(name, type_)
  if ok or (type(why) == "table" and why[1] == "already_started") then return "ok" end
  return nil, why
end

function M.stop(name) return ctl_call({"stop", name}) end

-- which_applications() → {{name, description, vsn}, ...}, most recently started first.
function M.which_applications() return ctl_call({"which"}) end

return M
