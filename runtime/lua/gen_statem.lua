-- gen_statem.lua — otp.gen_statem: OTP 25's generic state machine (otp-semantics.md §4.1) in Lua
-- on top of the runtime's primitives. Callbacks return Erlang's tuples as multiple values.
--
-- The one design choice to know: the engine keeps its own event queue (ctx.queue) in front of
-- the mailbox. Postponed events replayed after a state change, next_event actions and zero-time
-- timeouts go there, and the mailbox is read (otp.receive) only when that queue is empty. A
-- message still in the mailbox has not "arrived": it cannot cancel a zero event timeout, and
-- system messages are answered only between events, as in OTP.
--
-- Event types as callbacks see them: the strings "cast", "info", "timeout", "state_timeout",
-- "internal", "enter", and two tables: {"call", from} and {"timeout", name} (a generic timeout).
local otp, gen = ...
local M = {}

local CAST, TIMEOUT_TAG = "$gen_cast", "$gen_statem_timeout"

-- ---- the engine's event queue: a deque of events {type = t, content = c} ----------------------

local function q_new() return {first = 1, last = 0} end
local function q_len(q) return q.last - q.first + 1 end
local function q_push_back(q, ev) q.last = q.last + 1; q[q.last] = ev end
local function q_push_front(q, ev) q.first = q.first - 1; q[q.first] = ev end
local function q_pop(q)
  if q.first > q.last then return nil end
  local ev = q[q.first]
  q[q.first] = nil
  q.first = q.first + 1
  if q.first > q.last then q.first, q.last = 1, 0 end -- empty: back to the array part
  return ev
end

-- ---- helpers ---------------------------------------------------------------------------------

-- xpcall handler: an otp.exit is class "exit" with its reason; any other error is class "error"
-- with the error value as reason and a traceback (Erlang's Class:Reason:Stacktrace).
local function on_error(e)
  if type(e) == "table" and getmetatable(e) == otp._exit_mt then return {class = "exit", reason = e.reason} end
  return {class = "error", reason = e, stack = debug.traceback(nil, 2)}
end

-- A callback's return values as one term: the value itself if there is one, else the list.
local function values_term(r, from)
  local n = r.n - from + 1
  if n == 1 then return r[from] end
  local t = {}
  for i = from, r.n do t[i - from + 1] = r[i] end
  return t
end

local function show(v)
  if type(v) == "string" then return v end
  return otp._render(v)
end

local function is_from(from)
  return type(from) == "table" and otp.is_pid(from.pid) and from.ref ~= nil
end

local function is_call(etype) return type(etype) == "table" and etype[1] == "call" end

local function valid_event_type(etype)
  if type(etype) == "string" then
    return etype == "cast" or etype == "info" or etype == "timeout" or etype == "state_timeout" or
           etype == "internal"
  end
  if type(etype) ~= "table" then return false end
  if etype[1] == "call" then return is_from(etype[2]) end
  return etype[1] == "timeout" and etype[2] ~= nil
end

-- ---- sys debug (trace lines in OTP 25's gen_statem format, and sys log entries) ---------------

local function dbg(ctx, entry, text)
  if ctx.trace then
    otp._trace("sys", "text", "*DBG* " .. (ctx.name and tostring(ctx.name) or tostring(otp.self())) .. " " .. text)
  end
  if ctx.log then
    local l = ctx.log
    l[#l + 1] = entry
    if #l > ctx.log_max then table.remove(l, 1) end
  end
end

local function event_string(etype, content)
  if is_call(etype) then return "call " .. show(content) .. " from " .. tostring(etype[2].pid) end
  return show(etype) .. " " .. show(content)
end

local function dbg_in(ctx, ev)
  dbg(ctx, {"in", {ev.type, ev.content}, ctx.state},
      "receive " .. event_string(ev.type, ev.content) .. " in state " .. show(ctx.state))
end

local function send_reply(ctx, from, value)
  gen.reply(from, value)
  ctx.msgs_out = ctx.msgs_out + 1
  if ctx.trace or ctx.log then
    dbg(ctx, {"out", value, from.pid}, "send " .. show(value) .. " to " .. tostring(from.pid))
  end
end

-- ---- termination -----------------------------------------------------------------------------

-- Calls terminate(reason, state, data) and exits; does not return. An error is class "error":
-- terminate sees its reason and the process exits {reason, traceback} (OTP raises it again with
-- its stacktrace). If terminate itself fails, the process exits with that failure.
local function terminate(ctx, class, reason, stack)
  if ctx.trace or ctx.log then
    dbg(ctx, {"terminate", reason, ctx.state}, "terminate " .. show(reason) .. " in state " .. show(ctx.state))
  end
  local mod = ctx.mod
  if mod.terminate then
    local ok, e = xpcall(mod.terminate, on_error, reason, ctx.state, ctx.data)
    if not ok then class, reason, stack = e.class, e.reason, e.stack end
  end
  local exit_reason = reason
  if class == "error" then exit_reason = {reason, stack} end
  gen.exit_with(ctx, exit_reason)
end

-- A failure the engine detects (bad return, bad action): class error, with the engine's stack.
local function fail(ctx, reason)
  terminate(ctx, "error", reason, debug.traceback(nil, 2))
end

-- ---- timers ----------------------------------------------------------------------------------
-- ctx.timers: key -> {ref, tref, msg, etype}; key is "timeout", "state_timeout" or "generic:"
-- followed by the rendered name. The timer message carries a fresh ref; a message whose ref is
-- not the running timer's is stale (the timer was cancelled or restarted) and is ignored.

local function generic_key(name)
  return "generic:" .. (type(name) == "string" and name or otp._render(name))
end

local function cancel_timer(ctx, key)
  local tm = ctx.timers[key]
  if not tm then return end
  ctx.timers[key] = nil
  ctx.timer_keys[tm.ref] = nil
  if not otp.cancel_timer(tm.tref) then
    otp.receive({tag = TIMEOUT_TAG, ref = tm.ref}, 0) -- already fired: drop its message
  end
end

local function start_timer(ctx, to)
  cancel_timer(ctx, to.key)
  local ms = to.time
  if to.abs then ms = math.max(0, ms - otp.now()) end
  local ref = otp.make_ref()
  local tref = otp.send_after(ms, otp.self(), {tag = TIMEOUT_TAG, kind = to.kind, ref = ref})
  ctx.timers[to.key] = {ref = ref, tref = tref, msg = to.msg, etype = to.etype}
  ctx.timer_keys[ref] = to.key
  if ctx.trace or ctx.log then
    dbg(ctx, {"start_timer", {to.etype, to.time, to.msg}, ctx.state},
        "start_timer " .. show({to.etype, to.time, to.msg}) .. " in state " .. show(ctx.state))
  end
end

-- ---- actions ---------------------------------------------------------------------------------

-- A timeout action as {kind, key, etype, time, msg, abs}, or nil if malformed.
local function parse_timeout(kind, name, time, msg, opts)
  local abs = false
  if opts ~= nil then
    if type(opts) ~= "table" or (opts.abs ~= nil and type(opts.abs) ~= "boolean") then return nil end
    abs = opts.abs == true
  end
  if type(time) == "number" then
    if time ~= time or (time < 0 and not abs) then return nil end -- NaN, or in the past
  elseif time == "infinity" or time == "cancel" or time == "update" then
    if abs then return nil end
  else
    return nil
  end
  local to = {kind = kind, time = time, msg = msg, abs = abs}
  if kind == "generic" then
    if name == nil then return nil end
    to.key, to.etype = generic_key(name), {"timeout", name}
  else
    to.key, to.etype = kind, kind
  end
  return to
end

-- Is this table one action (rather than a list of actions)?
local SINGLE = {reply = true, next_event = true, timeout = true, state_timeout = true, generic_timeout = true}
local function is_single_action(a)
  local h = a[1]
  if SINGLE[h] then return true end
  return (h == "postpone" or h == "hibernate") and type(a[2]) == "boolean"
end

-- Executes one action into the transition accumulator t. Replies are sent at once; options
-- (postpone, hibernate, timeouts of one type) are collected, the last one winning. Returns an
-- error reason (a bad action), or nil.
local function do_action(ctx, t, state_call, a)
  local bad = state_call and "bad_action_from_state_function" or "bad_state_enter_action_from_state_function"
  if a == "postpone" then
    if not state_call then return {bad, a} end
    t.postpone = true
  elseif a == "hibernate" then
    t.hibernate = true
  elseif type(a) == "number" or a == "infinity" then
    local to = parse_timeout("timeout", nil, a, a)
    if not to then return {"bad_action_from_state_function", a} end
    t.timeouts[#t.timeouts + 1] = to
  elseif type(a) == "table" then
    local h = a[1]
    if h == "reply" then
      if not is_from(a[2]) then return {"bad_action_from_state_function", a} end
      send_reply(ctx, a[2], a[3])
    elseif h == "postpone" and type(a[2]) == "boolean" then
      if a[2] and not state_call then return {bad, a} end
      t.postpone = a[2]
    elseif h == "hibernate" and type(a[2]) == "boolean" then
      t.hibernate = a[2]
    elseif h == "next_event" then
      if not state_call or not valid_event_type(a[2]) then return {bad, a} end
      local ev = {type = a[2], content = a[3]}
      t.next_events[#t.next_events + 1] = ev
      ctx.msgs_in = ctx.msgs_in + 1
      if ctx.trace or ctx.log then dbg_in(ctx, ev) end
    elseif h == "timeout" or h == "state_timeout" or h == "generic_timeout" then
      local to
      if h == "generic_timeout" then to = parse_timeout("generic", a[2], a[3], a[4], a[5])
      else to = parse_timeout(h, nil, a[2], a[3], a[4]) end
      if not to then return {"bad_action_from_state_function", a} end
      t.timeouts[#t.timeouts + 1] = to
    else
      return {"bad_action_from_state_function", a}
    end
  elseif a ~= nil then
    return {"bad_action_from_state_function", a}
  end
  return nil
end

-- Executes an action list (or a single action). Returns an error reason, or nil.
local function do_actions(ctx, t, state_call, actions)
  if actions == nil then return nil end
  if type(actions) ~= "table" or is_single_action(actions) then
    return do_action(ctx, t, state_call, actions)
  end
  for i = 1, #actions do
    local bad = do_action(ctx, t, state_call, actions[i])
    if bad then return bad end
  end
  return nil
end

-- ---- the transition --------------------------------------------------------------------------

local function call_state(ctx, etype, content, state, data)
  if ctx.mode == "state_functions" then
    local f = ctx.mod[state]
    if type(f) ~= "function" then error({"undef", state}) end
    return f(etype, content, data)
  end
  return ctx.mod.handle_event(etype, content, state, data)
end

-- Steps 3-6 of otp-semantics §4.1 once the callbacks are done: postpone, replay postponed events
-- on a state change, cancel the event timeout (and the state timeout on a state change), start
-- or cancel the timeouts set (last of each type wins), put next_events first and zero-time
-- timeouts after every queued event.
local function finish(ctx, ev, state, data, t)
  local q = ctx.queue
  if t.postpone and ev then ctx.postponed[#ctx.postponed + 1] = ev end
  local changed = not gen.same(state, ctx.state)
  if (ctx.trace or ctx.log) and ev then
    local what = t.postpone and "postpone" or "consume"
    local st = show(ctx.state)
    if changed then st = st .. " => " .. show(state) end
    dbg(ctx, {what, {ev.type, ev.content}, ctx.state, state},
        what .. " " .. event_string(ev.type, ev.content) .. " in state " .. st)
  end
  ctx.state, ctx.data = state, data
  if changed then
    local p = ctx.postponed
    for i = #p, 1, -1 do q_push_front(q, p[i]) end
    ctx.postponed = {}
    cancel_timer(ctx, "state_timeout")
  end
  cancel_timer(ctx, "timeout")
  local zero
  local timeouts = t.timeouts
  if #timeouts > 0 then
    local seen = {}
    zero = {}
    for i = #timeouts, 1, -1 do
      local to = timeouts[i]
      if not seen[to.key] then
        seen[to.key] = true
        local time = to.time
        if time == "infinity" or time == "cancel" then
          cancel_timer(ctx, to.key)
        elseif time == "update" then
          local tm = ctx.timers[to.key]
          if tm then tm.msg = to.msg else zero[#zero + 1] = to end
        elseif time == 0 and not to.abs then
          cancel_timer(ctx, to.key)
          zero[#zero + 1] = to
        else
          start_timer(ctx, to)
        end
      end
    end
  end
  local nx = t.next_events
  for i = #nx, 1, -1 do q_push_front(q, nx[i]) end
  if zero then
    for i = #zero, 1, -1 do -- action order
      local to = zero[i]
      -- a zero event timeout is cancelled by any event before it in the queue
      if to.kind ~= "timeout" or q_len(q) == 0 then
        q_push_back(q, {type = to.etype, content = to.msg})
        if ctx.trace or ctx.log then
          dbg(ctx, {"insert_timeout", {to.etype, to.msg}, state},
              "insert_timeout " .. show({to.etype, to.msg}) .. " in state " .. show(state))
        end
      end
    end
  end
  ctx.hibernate = t.hibernate
end

-- Handles one event (nil with init = true: init's actions), with the state enter calls it
-- causes, and completes the transition. Does not return if the machine stops.
local function dispatch(ctx, ev, init, init_actions)
  local t = {postpone = false, hibernate = false, next_events = {}, timeouts = {}}
  local state, data = ctx.state, ctx.data
  local state_call = true
  local etype, content
  local call_enter
  if init then
    local bad = do_actions(ctx, t, true, init_actions)
    if bad then fail(ctx, bad) end
    t.postpone = false
    call_enter = true
  else
    etype, content = ev.type, ev.content
  end
  while true do
    if call_enter ~= nil then
      if not (call_enter and ctx.enter) then break end
      state_call = false
      etype, content = "enter", ctx.state
    end
    local r = table.pack(xpcall(call_state, on_error, ctx, etype, content, state, data))
    if not r[1] then
      local e = r[2]
      terminate(ctx, e.class, e.reason, e.stack) -- with the state before the event
    end
    local n, tag = r.n - 1, r[2]
    local new_state, new_data, actions = state, data, nil
    if tag == "next_state" and (n == 3 or n == 4) then
      new_state, new_data, actions = r[3], r[4], r[5]
      if gen.same(new_state, state) then
        call_enter = false
      elseif state_call then
        call_enter = true
      else
        ctx.state, ctx.data = state, data
        fail(ctx, {"bad_state_enter_return_from_state_function", values_term(r, 2)})
      end
    elseif (tag == "keep_state" or tag == "repeat_state") and (n == 2 or n == 3) then
      new_data, actions = r[3], r[4]
      call_enter = tag == "repeat_state"
    elseif (tag == "keep_state_and_data" or tag == "repeat_state_and_data") and (n == 1 or n == 2) then
      actions = r[3]
      call_enter = tag == "repeat_state_and_data"
    elseif tag == "stop" and n <= 3 then
      ctx.state, ctx.data = state, data
      if n == 3 then ctx.data = r[4] end
      terminate(ctx, "exit", n >= 2 and r[3] or "normal")
    elseif tag == "stop_and_reply" and (n == 3 or n == 4) then
      ctx.state, ctx.data = state, data
      if n == 4 then ctx.data = r[5] end
      local replies = r[4]
      if type(replies) == "table" and replies[1] == "reply" then replies = {replies} end
      if type(replies) ~= "table" then fail(ctx, {"bad_reply_action_from_state_function", replies}) end
      for i = 1, #replies do
        local a = replies[i]
        if type(a) ~= "table" or a[1] ~= "reply" or not is_from(a[2]) then
          fail(ctx, {"bad_reply_action_from_state_function", a})
        end
        send_reply(ctx, a[2], a[3])
      end
      terminate(ctx, "exit", r[3])
    else
      ctx.state, ctx.data = state, data
      fail(ctx, {"bad_return_from_state_function", values_term(r, 2)})
    end
    local bad = do_actions(ctx, t, state_call, actions)
    if bad then
      ctx.state, ctx.data = new_state, new_data
      fail(ctx, bad)
    end
    state, data = new_state, new_data
  end
  finish(ctx, ev, state, data, t)
end

-- ---- the loop --------------------------------------------------------------------------------

local function system_hooks()
  return {
    get_state = function(ctx) return {ctx.state, ctx.data} end,
    set_state = function(ctx, v) ctx.state, ctx.data = v[1], v[2] end,
    terminate = function(ctx, reason) terminate(ctx, "exit", reason) end,
  }
end

-- Takes messages from the mailbox until one is an event (the engine's queue is empty).
local function receive_event(ctx, hooks)
  while true do
    if ctx.hibernate and not ctx.suspended then otp._trace("hibernate") end
    local m
    if ctx.suspended then m = otp.receive({tag = gen.SYSTEM})
    else m = otp.receive() end
    local kind = type(m) == "table" and m.tag or nil
    local ev
    if kind == gen.SYSTEM then
      gen.system(ctx, m, hooks)
    elseif kind == gen.CALL then
      ev = {type = {"call", m.from}, content = m.req}
    elseif kind == CAST then
      ev = {type = "cast", content = m.msg}
    elseif kind == TIMEOUT_TAG then
      local key = ctx.timer_keys[m.ref]
      if key then -- else stale: cancelled or restarted after it fired
        local tm = ctx.timers[key]
        ctx.timers[key], ctx.timer_keys[m.ref] = nil, nil
        ev = {type = tm.etype, content = tm.msg}
      end
    elseif kind == "EXIT" and m.from == ctx.parent then
      terminate(ctx, "exit", m.reason)
    else
      ev = {type = "info", content = m}
    end
    if ev then
      ctx.msgs_in = ctx.msgs_in + 1
      if ctx.trace or ctx.log then dbg_in(ctx, ev) end
      return ev
    end
  end
end

-- The callback mode: "state_functions" or "handle_event_function", optionally in a list with
-- "state_enter"; callback_mode may be that value or a function returning it (called once).
local function resolve_callback_mode(ctx)
  local cm = ctx.mod.callback_mode
  if type(cm) == "function" then
    local ok, v = xpcall(cm, on_error)
    if not ok then terminate(ctx, v.class, v.reason, v.stack) end
    cm = v
  end
  local list = type(cm) == "table" and cm or {cm}
  local mode, enter = nil, false
  for i = 1, #list do
    local x = list[i]
    if x == "state_functions" or x == "handle_event_function" then mode = x
    elseif x == "state_enter" then enter = true
    else mode = nil; break end
  end
  if not mode then fail(ctx, {"bad_return_from_callback_mode", cm}) end
  ctx.mode, ctx.enter = mode, enter
end

local function loop(ctx, init_actions)
  local hooks = system_hooks()
  resolve_callback_mode(ctx)
  dispatch(ctx, nil, true, init_actions)
  local q = ctx.queue
  while true do
    local ev = q_pop(q)
    if ev == nil then ev = receive_event(ctx, hooks) end
    dispatch(ctx, ev, false)
  end
end

local function init_it(starter, ref, mod, args, name, linked)
  local ctx = gen.init_ctx(starter, ref, name, linked, "gen_statem")
  ctx.mod, ctx.queue, ctx.postponed, ctx.timers, ctx.timer_keys, ctx.hibernate =
    mod, q_new(), {}, {}, {}, false
  local function init_fail(reason, exit_reason)
    if name then pcall(otp.unregister, name) end
    gen.ack(starter, ref, {error = reason})
    otp.exit(exit_reason == nil and reason or exit_reason)
  end
  local r = table.pack(xpcall(mod.init, on_error, args))
  if not r[1] then
    local e = r[2]
    init_fail(e.reason, e.class == "error" and {e.reason, e.stack} or e.reason)
  end
  local n, tag = r.n - 1, r[2]
  if tag == "ok" and (n == 3 or n == 4) then
    ctx.state, ctx.data = r[3], r[4]
    gen.ack(starter, ref, {ok = otp.self()})
    loop(ctx, r[5])
  elseif tag == "stop" and n == 2 then
    init_fail(r[3])
  elseif tag == "ignore" and n == 1 then
    init_fail("ignore", "normal")
  else
    local reason = {"bad_return_from_init", values_term(r, 2)}
    init_fail(reason, {reason, debug.traceback(nil, 1)})
  end
end

local function start(link, mod, args, opts)
  opts = opts or {}
  if type(mod) ~= "table" then error("gen_statem.start: the callback module must be a table", 3) end
  if mod.callback_mode == nil then
    error("gen_statem.start: the callback module has no callback_mode", 3)
  end
  local r = gen.start(link, opts.node, init_it, mod, args, opts.name, link)
  if r.ok then return r.ok end
  return nil, r.error
end

-- ---- API -------------------------------------------------------------------------------------

function M.start(mod, args, opts) return start(false, mod, args, opts) end
function M.start_link(mod, args, opts) return start(true, mod, args, opts) end

-- OTP's gen_statem:call/2 waits forever: the default timeout is "infinity".
function M.call(dest, req, timeout)
  if timeout == nil then timeout = "infinity" end
  return gen.call(dest, req, timeout, "gen_statem")
end

function M.cast(dest, msg)
  pcall(function()
    local pid = gen.whereis(dest)
    if pid then otp.send(pid, {tag = CAST, msg = msg}) end
  end)
  return "ok"
end

-- reply(from, value), or reply({"reply", from, value}) / reply({{"reply", ...}, ...}).
function M.reply(from, value)
  if type(from) == "table" and from[1] ~= nil then
    local list = from[1] == "reply" and {from} or from
    for i = 1, #list do gen.reply(list[i][2], list[i][3]) end
    return "ok"
  end
  return gen.reply(from, value)
end

function M.stop(dest, reason, timeout) return gen.stop(dest, reason, timeout, "gen_statem") end

return M
