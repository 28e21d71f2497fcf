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
  local pid = gen.whereis(dest)
  local args = {who, "call", {dest, req, timeout}}
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
    if reason == "noconnection" then reason = {"nodedown", otp.node(pid)} end
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

return gen
