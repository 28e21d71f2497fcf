-- gen.lua — what OTP's gen and proc_lib modules do for every behaviour: synchronous start with
-- an acknowledgement, calls through a monitor alias (late replies are dropped, as in OTP 25),
-- replies, and stop through a system message. Loaded by the runtime as otp._gen.
local otp = ...
local gen = {}

local ACK, CALL, REPLY, SYSTEM = "$ack", "$gen_call", "$reply", "$system"
gen.CALL, gen.SYSTEM = CALL, SYSTEM

-- Resolves a destination (pid, registered name, {name, node}) to a pid, or nil.
function gen.whereis(dest)
  if otp.is_pid(dest) then return dest end
  if type(dest) == "string" then return otp.whereis(dest) end
  if type(dest) == "table" and type(dest[1]) == "string" and type(dest[2]) == "string" then
    return otp.whereis(dest[1], dest[2])
  end
  error("bad destination " .. tostring(dest) .. " (a pid, a registered name or {name, node})", 3)
end

-- Spawns fn(parent, ref, ...) and waits for gen.ack(parent, ref, result). Returns the result,
-- or {error = reason} if the process died first. Outside a process (scenario code) it cannot
-- wait: the process starts and its pid is returned at once.
function gen.start(link, node, fn, ...)
  local inside = pcall(otp.self)
  if not inside then
    local pid = node and otp.spawn(node, fn, nil, nil, ...) or otp.spawn(fn, nil, nil, ...)
    return {ok = pid}
  end
  local ref = otp.make_ref()
  local spawn = link and otp.spawn_link or otp.spawn
  local pid = node and spawn(node, fn, otp.self(), ref, ...) or spawn(fn, otp.self(), ref, ...)
  local mref = otp.monitor(pid)
  local m = otp.receive(function(msg)
    return type(msg) == "table" and ((msg.tag == ACK and msg.ref == ref) or
                                     (msg.tag == "DOWN" and msg.ref == mref))
  end)
  if m.tag == "DOWN" then
    -- proc_lib: a linked caller that traps exits also finds the EXIT in its mailbox (OTP 25)
    return {error = m.reason}
  end
  otp.demonitor(mref, {flush = true})
  return m.result
end

-- The run of a regulator (jobs, codel): ask(name), then fn(...), then done(opaque), also when
-- fn raises (the error goes on). fn's results, or nil and ask's reason.
function gen.regulated_run(ask, done, name, fn, ...)
  local ok, opaque = ask(name)
  if ok ~= "ok" then return nil, opaque end
  local r = table.pack(pcall(fn, ...))
  done(opaque)
  if not r[1] then error(r[2], 0) end
  return table.unpack(r, 2, r.n)
end

function gen.ack(parent, ref, result)
  if parent then otp.send(parent, {tag = ACK, ref = ref, result = result}) end
end

local function call_args(fun, dest, req, timeout)
  return {"gen_server", fun, {dest, req, timeout}}
end

-- A synchronous call: {tag = "$gen_call", from = {pid, ref}, req = req}; the reply comes to
-- the monitor's alias. Failures exit the caller with OTP 25's reasons.
function gen.call(dest, req, timeout, who)
  who = who or "gen_server"
  timeout = timeout == nil and 5000 or timeout
  local me = otp.self()
  local args = {who, "call", {dest, req, timeout}}
  -- {name, node} on another node is looked up there, when the monitor and the call arrive
  local remote = type(dest) == "table" and type(dest[2]) == "string" and dest[2] ~= otp.node()
  local pid = remote and dest or gen.whereis(dest)
  if pid == me then otp.exit({"calling_self", args}) end
  if not pid then otp.exit({"noproc", args}) end
  local mref = otp.monitor(pid, {alias = true})
  otp.send(pid, {tag = CALL, from = {pid = me, ref = mref}, req = req})
  local m
  if timeout == "infinity" then m = otp.receive({ref = mref})
  else m = otp.receive({ref = mref}, timeout) end
  if m == nil then
    otp.demonitor(mref, {flush = true})
    local late = otp.receive({tag = REPLY, ref = mref}, 0)
    if late then return late.value end
    otp._trace("call_timeout", "to", tostring(pid), "req", req)
    otp.exit({"timeout", args})
  end
  if m.tag == "DOWN" then
    local reason = m.reason
    if reason == "noconnection" then reason = {"nodedown", remote and dest[2] or otp.node(pid)} end
    otp.exit({reason, args})
  end
  otp.demonitor(mref, {flush = true})
  return m.value
end

function gen.reply(from, value)
  otp.send(from.ref, {tag = REPLY, ref = from.ref, value = value})
  return "ok"
end

-- proc_lib:stop: monitor, ask the process to terminate with reason, wait for its DOWN.
function gen.stop(dest, reason, timeout, who)
  reason = reason == nil and "normal" or reason
  timeout = timeout == nil and "infinity" or timeout
  local pid = gen.whereis(dest)
  local args = {who or "gen_server", "stop", {dest, reason, timeout}}
  if not pid then otp.exit({"noproc", args}) end
  local mref = otp.monitor(pid)
  otp.send(pid, {tag = SYSTEM, from = {pid = otp.self(), ref = mref}, req = {"terminate", reason}})
  local m
  if timeout == "infinity" then m = otp.receive({tag = "DOWN", ref = mref})
  else m = otp.receive({tag = "DOWN", ref = mref}, timeout) end
  if m == nil then
    otp.demonitor(mref, {flush = true})
    otp.exit({"timeout", args})
  end
  if gen.same(m.reason, reason) then return "ok" end
  if m.reason == "noproc" then otp.exit({"noproc", args}) end
  otp.exit(m.reason)
end

-- The start of every behaviour's init: register the name (or answer already_started and stop),
-- and the ctx gen.system relies on (parent: the starter for start_link, else self, so an EXIT
-- from a mere starter is a message, as in gen.erl). The runtime wraps this function to keep the
-- ctx it returns where observers read the sys state (runtime/sysstate.c): it must return ctx.
function gen.init_ctx(starter, ref, name, linked, behaviour)
  if name then
    local ok = pcall(otp.register, name, otp.self())
    if not ok then
      gen.ack(starter, ref, {error = {"already_started", otp.whereis(name)}})
      otp.exit("normal")
    end
  end
  return {parent = linked and starter or otp.self(), name = name, msgs_in = 0, msgs_out = 0,
          started = otp.now(), behaviour = behaviour}
end

-- Ends the behaviour's process with reason, with a crash report unless the reason is normal.
function gen.exit_with(ctx, reason)
  if not gen.is_normal_exit(reason) then
    otp._trace("crash", "name", ctx.name or "", "reason", reason)
  end
  otp.exit(reason)
end

-- Structural equality of message values (reasons, keys).
function gen.same(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  for k, v in pairs(a) do if not gen.same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

-- normal, shutdown and {"shutdown", _} are not errors (no crash report; transient children
-- are not restarted).
function gen.is_normal_exit(reason)
  return reason == "normal" or reason == "shutdown" or
         (type(reason) == "table" and reason[1] == "shutdown")
end

-- A callback error as an exit reason: {error_value, traceback}, as Erlang's {Reason, Stack}.
function gen.pcall(f, ...)
  return xpcall(f, function(e)
    if type(e) == "table" and getmetatable(e) == otp._exit_mt then return e end
    return {e, debug.traceback(nil, 2)}
  end, ...)
end

-- The reason carried by an error caught with gen.pcall.
function gen.reason_of(e)
  if type(e) == "table" and getmetatable(e) == otp._exit_mt then return e.reason end
  return e
end

-- ---- system messages (sys) ----------------------------------------------------------------
-- Every behaviour keeps a ctx with: name, started (ms), msgs_in, msgs_out, suspended, and the
-- debug options (trace, log, stats) that sys switches on. Behaviours call gen.system for a
-- {tag = "$system"} message and gen.debug_in / gen.debug_out around their callbacks. `hooks`
-- gives the behaviour-specific parts: get_state(ctx), set_state(ctx, v), terminate(ctx, reason)
-- (does not return), format_state(ctx) (for sys trace lines).

local function dbg_name(ctx)
  if ctx.name then return tostring(ctx.name) end
  return tostring(otp.self())
end

local function show(v)
  if type(v) == "string" then return v end
  return otp._render(v)
end

-- An incoming event for sys: kind "call" (with from), "cast", "info".
function gen.debug_in(ctx, kind, msg, from)
  if ctx.trace then
    local line
    if kind == "call" then line = string.format("*DBG* %s got call %s from %s", dbg_name(ctx), show(msg), tostring(from.pid))
    elseif kind == "cast" then line = string.format("*DBG* %s got cast %s", dbg_name(ctx), show(msg))
    else line = string.format("*DBG* %s got %s", dbg_name(ctx), show(msg)) end
    otp._trace("sys", "text", line)
  end
  if ctx.log then
    local l = ctx.log
    l[#l + 1] = {"in", msg, from and from.pid or nil}
    if #l > ctx.log_max then table.remove(l, 1) end
  end
end

-- The outcome: a reply sent (reply_to set) and/or the new state.
function gen.debug_out(ctx, reply, reply_to, state_text)
  if ctx.trace then
    local line
    if reply_to then
      line = string.format("*DBG* %s sent %s to %s, new state %s", dbg_name(ctx), show(reply), tostring(reply_to.pid), state_text)
    else
      line = string.format("*DBG* %s new state %s", dbg_name(ctx), state_text)
    end
    otp._trace("sys", "text", line)
  end
  if ctx.log and reply_to then
    local l = ctx.log
    l[#l + 1] = {"out", reply, reply_to.pid}
    if #l > ctx.log_max then table.remove(l, 1) end
  end
end

function gen.system(ctx, m, hooks)
  local req, from = m.req, m.from
  local function answer(v) if from then gen.reply(from, v) end end
  local op = type(req) == "table" and req[1] or req
  if op == "get_state" then
    answer(hooks.get_state(ctx))
  elseif op == "replace_state" then
    local ok, new = pcall(req[2], hooks.get_state(ctx))
    if ok then hooks.set_state(ctx, new); answer(new)
    else answer({error = {"callback_failed", new}}) end
  elseif op == "suspend" then
    ctx.suspended = true
    answer("ok")
  elseif op == "resume" then
    ctx.suspended = false
    answer("ok")
  elseif op == "get_status" then
    answer({pid = otp.self(), module = ctx.behaviour, name = ctx.name,
            status = ctx.suspended and "suspended" or "running", parent = ctx.parent,
            state = hooks.get_state(ctx)})
  elseif op == "statistics" then
    local flag = req[2]
    if flag == true then
      ctx.stats = {start = otp.now(), reductions = otp.process_info().reductions,
                   msgs_in = ctx.msgs_in, msgs_out = ctx.msgs_out}
      answer("ok")
    elseif flag == false then
      ctx.stats = nil
      answer("ok")
    elseif ctx.stats then
      local st = ctx.stats
      answer({start_time = st.start, current_time = otp.now(),
              reductions = otp.process_info().reductions - st.reductions,
              messages_in = ctx.msgs_in - st.msgs_in, messages_out = ctx.msgs_out - st.msgs_out})
    else
      answer("no_statistics")
    end
  elseif op == "trace" then
    ctx.trace = req[2] and true or nil
    answer("ok")
  elseif op == "log" then
    local flag = req[2]
    if flag == true or type(flag) == "number" then
      ctx.log = {}
      ctx.log_max = type(flag) == "number" and flag or 10
      answer("ok")
    elseif flag == false then
      ctx.log = nil
      answer("ok")
    else
      answer(ctx.log and {table.unpack(ctx.log)} or {})
    end
  elseif op == "terminate" then
    hooks.terminate(ctx, req[2])
  else
    answer({error = "unknown_system_msg"})
  end
end

return gen
