-- gen_event.lua — otp.gen_event: OTP 25's event manager (otp-semantics §4.2), and
-- otp.alarm_handler, SASL's alarm manager built on it. Handlers are callback tables that run
-- inside the manager process; callbacks return Erlang's tuples as multiple values.
--
-- Invariant: the manager keeps its handlers in a list, newest first, and every event visits
-- them in that order; a handler that crashes or returns a bad value is removed (terminate runs,
-- a supervising process is told) and the manager and the other handlers carry on.
--
-- The design choice to know: messages are copied, so a handler's identity cannot travel as
-- its callback table. It travels as a proxy: a small table whose metatable (kept by reference
-- across copies) points back at the module table. A proxy, or a copy of one, compares == to its
-- module, reads the module's fields, and prints as {module = "<name>"}. The API functions turn
-- proxies back into the caller's own tables; handlers inside messages the manager sends
-- (gen_event_EXIT) stay proxies.
local otp, gen = ...
local M = {}

local NOTIFY = "$gen_event_notify"

-- ---- handler identity -------------------------------------------------------------------

local MODULE = {}                               -- the key of the module in a proxy's metatable
local proxies = setmetatable({}, {__mode = "k"}) -- module table -> its proxy (one per module)

-- The module table behind a handler value (a proxy or a copy of one), or the value itself.
local function module_of(t)
  local mt = getmetatable(t)
  if type(mt) == "table" then
    local mod = rawget(mt, MODULE)
    if mod ~= nil then return mod end
  end
  return t
end

local function same_module(a, b) return rawequal(module_of(a), module_of(b)) end

local function label_of(mod)
  local name = rawget(mod, "name")
  if type(name) == "string" then return name end
  return tostring(mod)
end

local function proxy(mod)
  local p = proxies[mod]
  if p then return p end
  p = setmetatable({module = label_of(mod)}, {[MODULE] = mod, __index = mod, __eq = same_module})
  proxies[mod] = p
  return p
end

-- A handler as the user gives it (mod, {mod, id}, or proxies of either) → module, id (or nil).
local function split(h, fname)
  if type(h) ~= "table" then
    error("gen_event." .. fname .. ": a handler is a callback table or {table, id} (got " ..
          tostring(h) .. ")", 3)
  end
  local first = rawget(h, 1)
  if type(first) == "table" then return module_of(first), h[2] end
  return module_of(h), nil
end

-- The form a handler takes inside messages: proxies, so that the copy keeps its identity.
local function wire(mod, id)
  if id == nil then return proxy(mod) end
  return {proxy(mod), id}
end

-- The caller's own tables back from a handler in a reply.
local function unwire(h)
  local first = rawget(h, 1)
  if type(first) == "table" then return {module_of(first), h[2]} end
  return module_of(h)
end

-- ---- the manager ------------------------------------------------------------------------
-- ctx: name, parent, handlers (list of entries {mod, id, state, sup}, newest first), hib, and
-- the sys fields that gen.system reads (msgs_in, msgs_out, suspended, trace, log, ...).

local function show(v)
  if type(v) == "string" then return v end
  return otp._render(v)
end

local function find(ctx, mod, id)
  for i, e in ipairs(ctx.handlers) do
    if rawequal(e.mod, mod) and gen.same(e.id, id) then return i end
  end
  return nil
end

-- Tells a supervising process its handler is gone, and traces the error report OTP logs for
-- any reason but normal, shutdown and {"swapped", ...}.
local function report(ctx, e, reason)
  local quiet = reason == "normal" or reason == "shutdown" or
                (type(reason) == "table" and reason[1] == "swapped")
  if not quiet then
    otp._trace("handler_crash", "name", ctx.name or "", "handler", label_of(e.mod), "reason", reason)
  end
  if e.sup then
    local msg = {tag = "gen_event_EXIT", handler = wire(e.mod, e.id), reason = reason}
    if not pcall(otp.send, e.sup, msg) then -- a reason that cannot be copied
      msg.reason = tostring(reason)
      otp.send(e.sup, msg)
    end
  end
end

-- terminate(arg, state) if the module has it, then the report. Returns terminate's value: its
-- first result, "ok" without a terminate, {"EXIT", reason} if it raised (OTP's catch).
local function do_terminate(ctx, e, arg, reason)
  local res = "ok"
  local f = e.mod.terminate
  if f then
    local ok, r = gen.pcall(f, arg, e.state)
    if ok then res = r else res = {"EXIT", gen.reason_of(r)} end
  end
  report(ctx, e, reason)
  return res
end

-- init(args) → true, state, hibernate? | false, what: what is add_handler's reply (init's
-- other result: one value as it is, several as a list; {"EXIT", reason} if init raised;
-- {"bad_return_value", "ok"} for an "ok" without a state).
local function run_init(mod, args)
  local r = table.pack(gen.pcall(mod.init, args))
  if not r[1] then return false, {"EXIT", gen.reason_of(r[2])} end
  if r[2] == "ok" then
    if r.n >= 3 then return true, r[3], r[4] == "hibernate" end
    return false, {"bad_return_value", "ok"}
  end
  if r.n == 1 then return false, {"bad_return_value"} end -- init returned nothing
  if r.n == 2 then return false, r[2] end
  return false, {table.unpack(r, 2, r.n)}
end

-- add_handler / add_sup_handler: the supervisor is linked before init runs (as in OTP; the
-- link stays when the handler goes, in case another handler of that process still needs it).
local function add(ctx, mod, id, args, sup)
  if sup then otp.link(sup) end
  local ok, a, hib = run_init(mod, args)
  if not ok then return a end
  table.insert(ctx.handlers, 1, {mod = mod, id = id, state = a, sup = sup})
  if hib then ctx.hib = true end
  return "ok"
end

-- A swap asked for by a callback's return: the old handler's terminate(args1, state1), then
-- init({args2, T}) of the new one, which takes the old one's place and supervisor. Returns the
-- new entry, or nil when init failed (the supervisor then gets reason "crash", as in OTP 25).
local function do_swap(ctx, e, args1, state1, h2, args2)
  local mod2, id2 = split(h2, "swap_handler")
  e.state = state1
  local t = do_terminate(ctx, e, args1, {"swapped", wire(mod2, id2), e.sup})
  local ne = {mod = mod2, id = id2, sup = e.sup}
  local ok, s, hib = run_init(mod2, {args2, t})
  if not ok then
    report(ctx, ne, "crash")
    return nil
  end
  ne.state = s
  if hib then ctx.hib = true end
  return ne
end

local function bad_return(ctx, e, tag)
  local why = {"bad_return_value", tag}
  do_terminate(ctx, e, {"error", why}, why)
  return why
end

-- One handler, one event or info: returns the entry to keep in its place, or nil if removed.
local function update(ctx, e, fname, event)
  local f = e.mod[fname]
  if f == nil and fname == "handle_info" then
    otp._trace("unexpected_info", "msg", event) -- OTP logs a warning; the handler stays
    return e
  end
  local r = table.pack(gen.pcall(f, event, e.state))
  if not r[1] then
    local why = {"EXIT", gen.reason_of(r[2])}
    do_terminate(ctx, e, {"error", why}, why)
    return nil
  end
  local tag = r[2]
  if tag == "ok" and r.n >= 3 then
    e.state = r[3]
    if r[4] == "hibernate" then ctx.hib = true end
    return e
  elseif tag == "remove_handler" then
    do_terminate(ctx, e, "remove_handler", "normal")
    return nil
  elseif tag == "swap_handler" and r.n >= 5 and type(r[5]) == "table" then
    if r[7] == "hibernate" then ctx.hib = true end
    return do_swap(ctx, e, r[3], r[4], r[5], r[6])
  end
  bad_return(ctx, e, tag)
  return nil
end

-- Every handler, newest first, gets the event; removed ones drop out of the list.
local function notify(ctx, event, fname)
  local old, new = ctx.handlers, {}
  for i = 1, #old do
    local e = update(ctx, old[i], fname, event)
    if e then new[#new + 1] = e end
  end
  ctx.handlers = new
end

-- gen_event:call: the handler's reply; {error = "bad_module"} if it is not installed,
-- {error = why} if it crashed or returned a bad value (it is then removed).
local function server_call(ctx, h, req)
  local mod, id = split(h, "call")
  local i = find(ctx, mod, id)
  if not i then return {error = "bad_module"} end
  local e = ctx.handlers[i]
  local r = table.pack(gen.pcall(e.mod.handle_call, req, e.state))
  if not r[1] then
    table.remove(ctx.handlers, i)
    local why = {"EXIT", gen.reason_of(r[2])}
    do_terminate(ctx, e, {"error", why}, why)
    return {error = why}
  end
  local tag = r[2]
  if tag == "ok" and r.n >= 4 then
    e.state = r[4]
    if r[5] == "hibernate" then ctx.hib = true end
    return r[3]
  elseif tag == "remove_handler" and r.n >= 3 then
    table.remove(ctx.handlers, i)
    do_terminate(ctx, e, "remove_handler", "normal")
    return r[3]
  elseif tag == "swap_handler" and r.n >= 6 and type(r[6]) == "table" then
    if r[8] == "hibernate" then ctx.hib = true end
    local ne = do_swap(ctx, e, r[4], r[5], r[6], r[7])
    if ne then ctx.handlers[i] = ne else table.remove(ctx.handlers, i) end
    return r[3]
  end
  table.remove(ctx.handlers, i)
  return {error = bad_return(ctx, e, tag)}
end

local function delete(ctx, h, args)
  local mod, id = split(h, "delete_handler")
  local i = find(ctx, mod, id)
  if not i then return {error = "module_not_found"} end
  local e = table.remove(ctx.handlers, i)
  return do_terminate(ctx, e, args, "normal")
end

-- swap_handler / swap_sup_handler (sup = the caller for the latter): T = h1's terminate(args1)
-- ("error" if h1 is not installed); then h2 is added with init({args2, T}), supervised by sup,
-- else by h1's supervisor. h1 is gone even if h2's init fails.
local function swap(ctx, h1, args1, h2, args2, sup)
  local mod1, id1 = split(h1, "swap_handler")
  local mod2, id2 = split(h2, "swap_handler")
  local t, old_sup = "error", nil
  local i = find(ctx, mod1, id1)
  if i then
    local e = table.remove(ctx.handlers, i)
    old_sup = e.sup
    t = do_terminate(ctx, e, args1, {"swapped", wire(mod2, id2), sup or old_sup})
  end
  local r = add(ctx, mod2, id2, {args2, t}, sup or old_sup)
  if r == "ok" then return "ok" end
  return {error = r}
end

local function which(ctx)
  local list = {}
  for i, e in ipairs(ctx.handlers) do list[i] = wire(e.mod, e.id) end
  return list
end

-- The manager's end (stop, a system terminate, its parent's EXIT): every handler gets
-- terminate("stop", state), newest first, and its supervisor "shutdown"; supervisors other
-- than the parent are unlinked so that the manager's exit does not reach them.
local function terminate_server(ctx, reason)
  local hs = ctx.handlers
  ctx.handlers = {}
  for _, e in ipairs(hs) do do_terminate(ctx, e, "stop", "shutdown") end
  for _, e in ipairs(hs) do
    if e.sup and e.sup ~= ctx.parent then otp.unlink(e.sup) end
  end
  gen.exit_with(ctx, reason)
end

-- An EXIT from a linked process that is not the parent: the handlers it supervised get
-- terminate({"stop", reason}, state); then every remaining handler gets it in handle_info.
local function handle_exit(ctx, m)
  local keep = {}
  for _, e in ipairs(ctx.handlers) do
    if e.sup ~= nil and e.sup == m.from then
      do_terminate(ctx, e, {"stop", m.reason}, "shutdown")
    else
      keep[#keep + 1] = e
    end
  end
  ctx.handlers = keep
  notify(ctx, m, "handle_info")
end

local function reply(ctx, from, value)
  ctx.msgs_out = ctx.msgs_out + 1
  gen.reply(from, value)
end

-- A handler in a *DBG* line: its module's label, with the id if any.
local function handler_text(h)
  if type(h) ~= "table" then return show(h) end
  local first = rawget(h, 1)
  if type(first) == "table" then return "{" .. label_of(module_of(first)) .. ", " .. show(h[2]) .. "}" end
  return label_of(module_of(h))
end

-- sys trace lines as OTP's gen_event prints them, and the sys log.
local function debug_in(ctx, m)
  if ctx.trace then
    local who = ctx.name or tostring(otp.self())
    local line
    if type(m) == "table" and m.tag == NOTIFY then
      line = string.format("*DBG* %s got event %s", who, show(m.event))
    elseif type(m) == "table" and m.tag == gen.CALL and type(m.req) == "table" and m.req.op == "call" then
      line = string.format("*DBG* %s(%s) got call %s", who, handler_text(m.req.handler), show(m.req.req))
    else
      line = string.format("*DBG* %s got %s", who, show(m))
    end
    otp._trace("sys", "text", line)
  end
  if ctx.log then
    local l = ctx.log
    l[#l + 1] = {"in", m}
    if #l > ctx.log_max then table.remove(l, 1) end
  end
end

local function handle_call(ctx, m)
  local req, from = m.req, m.from
  local op = type(req) == "table" and req.op or nil
  if op == "sync_notify" then
    notify(ctx, req.event, "handle_event")
    reply(ctx, from, "ok")
  elseif op == "call" then
    reply(ctx, from, server_call(ctx, req.handler, req.req))
  elseif op == "add_handler" then
    local mod, id = split(req.handler, "add_handler")
    reply(ctx, from, add(ctx, mod, id, req.args, nil))
  elseif op == "add_sup_handler" then
    local mod, id = split(req.handler, "add_sup_handler")
    reply(ctx, from, add(ctx, mod, id, req.args, req.sup))
  elseif op == "delete_handler" then
    reply(ctx, from, delete(ctx, req.handler, req.args))
  elseif op == "swap_handler" then
    reply(ctx, from, swap(ctx, req.h1, req.args1, req.h2, req.args2, req.sup))
  elseif op == "which_handlers" then
    reply(ctx, from, which(ctx))
  else
    notify(ctx, m, "handle_info") -- a call gen_event does not know is an ordinary message
  end
end

local function system_hooks()
  return {
    -- one {module = proxy, id = id, state = state} per handler, newest first
    get_state = function(ctx)
      local list = {}
      for i, e in ipairs(ctx.handlers) do list[i] = {module = proxy(e.mod), id = e.id, state = e.state} end
      return list
    end,
    set_state = function(ctx, list)
      if type(list) ~= "table" then return end
      for i, e in ipairs(ctx.handlers) do
        if type(list[i]) == "table" then e.state = list[i].state end
      end
    end,
    terminate = function(ctx, reason) terminate_server(ctx, reason) end,
  }
end

local function loop(ctx)
  local hooks = system_hooks()
  while true do
    if ctx.hib then
      ctx.hib = false
      otp._trace("hibernate")
    end
    local m
    if ctx.suspended then m = otp.receive({tag = gen.SYSTEM}) else m = otp.receive() end
    local kind = type(m) == "table" and m.tag or nil
    if kind == gen.SYSTEM then
      gen.system(ctx, m, hooks)
    elseif kind == "EXIT" and m.from == ctx.parent then
      terminate_server(ctx, m.reason)
    else
      ctx.msgs_in = ctx.msgs_in + 1
      if ctx.trace or ctx.log then debug_in(ctx, m) end
      if kind == NOTIFY then
        notify(ctx, m.event, "handle_event")
      elseif kind == gen.CALL then
        handle_call(ctx, m)
      elseif kind == "EXIT" then
        handle_exit(ctx, m)
      else
        notify(ctx, m, "handle_info")
      end
    end
  end
end

-- setup(ctx, add) runs before the start is acknowledged (the alarm manager adds its default
-- handler there, so that no event can arrive before it).
local function init_it(starter, ref, name, linked, setup)
  otp.process_flag("trap_exit", true)
  local ctx = gen.init_ctx(starter, ref, name, linked, "gen_event")
  ctx.handlers = {}
  if setup then setup(ctx, add) end
  gen.ack(starter, ref, {ok = otp.self()})
  loop(ctx)
end

local function start(link, opts, setup)
  opts = opts or {}
  if type(opts) ~= "table" then error("gen_event.start: options must be a table {name =, node =}", 3) end
  local r = gen.start(link, opts.node, init_it, opts.name, link, setup)
  if r.ok then return r.ok end
  return nil, r.error
end

-- ---- the API ----------------------------------------------------------------------------

-- gen_event's rpc: a call with no timeout whose failure exits with the bare reason (noproc, ...).
local function rpc(mgr, req)
  local ok, r = pcall(gen.call, mgr, req, "infinity", "gen_event")
  if ok then return r end
  if type(r) == "table" and getmetatable(r) == otp._exit_mt and type(r.reason) == "table" then
    otp.exit(r.reason[1])
  end
  error(r, 0)
end

function M.start(opts) return start(false, opts) end
function M.start_link(opts) return start(true, opts) end

function M.stop(mgr, reason, timeout) return gen.stop(mgr, reason, timeout, "gen_event") end

function M.notify(mgr, event)
  otp.send(mgr, {tag = NOTIFY, event = event})
  return "ok"
end

function M.sync_notify(mgr, event) return rpc(mgr, {op = "sync_notify", event = event}) end

function M.add_handler(mgr, handler, args)
  local mod, id = split(handler, "add_handler")
  return rpc(mgr, {op = "add_handler", handler = wire(mod, id), args = args})
end

function M.add_sup_handler(mgr, handler, args)
  local mod, id = split(handler, "add_sup_handler")
  return rpc(mgr, {op = "add_sup_handler", handler = wire(mod, id), args = args, sup = otp.self()})
end

function M.delete_handler(mgr, handler, args)
  local mod, id = split(handler, "delete_handler")
  return rpc(mgr, {op = "delete_handler", handler = wire(mod, id), args = args})
end

local function swap_req(fname, old, new, sup)
  if type(old) ~= "table" or type(new) ~= "table" then
    error("gen_event." .. fname .. ": expects {handler1, args1}, {handler2, args2}", 3)
  end
  local m1, i1 = split(old[1], fname)
  local m2, i2 = split(new[1], fname)
  return {op = "swap_handler", h1 = wire(m1, i1), args1 = old[2], h2 = wire(m2, i2),
          args2 = new[2], sup = sup}
end

function M.swap_handler(mgr, old, new) return rpc(mgr, swap_req("swap_handler", old, new)) end
function M.swap_sup_handler(mgr, old, new)
  return rpc(mgr, swap_req("swap_sup_handler", old, new, otp.self()))
end

function M.which_handlers(mgr)
  local list = rpc(mgr, {op = "which_handlers"})
  for i, h in ipairs(list) do list[i] = unwire(h) end
  return list
end

function M.call(mgr, handler, req, timeout)
  local mod, id = split(handler, "call")
  local ok, r = pcall(gen.call, mgr, {op = "call", handler = wire(mod, id), req = req},
                      timeout, "gen_event")
  if ok then return r end
  if type(r) == "table" and getmetatable(r) == otp._exit_mt and type(r.reason) == "table" then
    local args = {mgr, handler, req}
    if timeout ~= nil then args[4] = timeout end
    otp.exit({r.reason[1], {"gen_event", "call", args}})
  end
  error(r, 0)
end

-- Whether two handler values name the same handler (module tables, proxies from messages, or
-- {module, id} pairs of either).
function M.same_handler(a, b)
  local ma, ia = split(a, "same_handler")
  local mb, ib = split(b, "same_handler")
  return rawequal(ma, mb) and gen.same(ia, ib)
end

-- ---- otp.alarm_handler: SASL's alarm manager --------------------------------------------
-- A manager registered as "alarm_handler" on each node, started by start() or by the first
-- set/clear/get on that node, with the default handler below installed. Alarms are {id,
-- description}, newest first; set_alarm adds one even if the id is already set; clear_alarm
-- removes the newest with that id (lists:keydelete), as in OTP.

local A = {}
local Default = {name = "alarm_handler"}
A.handler = Default

function Default.init() return "ok", {} end

function Default.handle_event(ev, alarms)
  if type(ev) == "table" and ev[1] == "set_alarm" then
    table.insert(alarms, 1, ev[2])
  elseif type(ev) == "table" and ev[1] == "clear_alarm" then
    for i, a in ipairs(alarms) do
      if gen.same(a[1], ev[2]) then table.remove(alarms, i); break end
    end
  end
  return "ok", alarms
end

function Default.handle_info(_, alarms) return "ok", alarms end

function Default.handle_call(req, alarms)
  if req == "get_alarms" then return "ok", alarms, alarms end
  return "ok", {error = "bad_query"}, alarms
end

function Default.terminate(arg, alarms)
  if arg == "swap" then return {"alarm_handler", alarms} end
  return "ok"
end

local NAME = "alarm_handler"
local started_outside = {} -- [1]: a manager started from scenario code, not yet registered

local function install_default(ctx, add_fn) add_fn(ctx, Default, nil, {}, nil) end

function A.start(opts)
  opts = opts or {}
  return start(false, {name = NAME, node = opts.node}, install_default)
end

-- This node's alarm manager, started if there is none.
local function manager()
  local pid = otp.whereis(NAME)
  if pid then return pid end
  local inside = pcall(otp.self)
  if not inside then
    -- from scenario code a start returns before the name is registered: remember the pid
    local p = started_outside[1]
    if p and otp.is_alive(p) then return p end
  end
  local p, err = A.start()
  if p then
    if not inside then started_outside[1] = p end
    return p
  end
  if type(err) == "table" and err[1] == "already_started" and err[2] then return err[2] end
  otp.exit(err)
end

-- Both are gen_event notifications (asynchronous), traced as "alarm" events at the call and
-- counted in the run's metrics (alarms_set, alarms_cleared).
function A.set_alarm(id, description)
  local mgr = manager()
  otp._trace("alarm", "op", "set", "id", id, "description", description == nil and "" or description)
  otp._count("alarms_set")
  return M.notify(mgr, {"set_alarm", {id, description}})
end

function A.clear_alarm(id)
  local mgr = manager()
  otp._trace("alarm", "op", "clear", "id", id)
  otp._count("alarms_cleared")
  return M.notify(mgr, {"clear_alarm", id})
end

function A.get_alarms() return M.call(manager(), Default, "get_alarms") end

function A.add_alarm_handler(mod, args) return M.add_handler(manager(), mod, args == nil and {} or args) end
function A.delete_alarm_handler(mod) return M.delete_handler(manager(), mod, {}) end

otp.alarm_handler = A

return M
