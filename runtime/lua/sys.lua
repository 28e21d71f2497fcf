-- sys.lua — otp.sys: the sys module (otp-semantics §2.7) for every behaviour. Each function
-- sends a system message {tag = "$system", from = {pid, ref}, req = ...}; the behaviour's loop
-- answers it outside the user's callbacks (gen.system), even while suspended.
local otp, gen = ...
local M = {}

local function sys_call(dest, req, timeout)
  timeout = timeout == nil and 5000 or timeout
  local pid = gen.whereis(dest)
  local args = {"sys", type(req) == "table" and req[1] or req, {dest, timeout}}
  if not pid then otp.exit({"noproc", args}) end
  local mref = otp.monitor(pid, {alias = true})
  otp.send(pid, {tag = gen.SYSTEM, from = {pid = otp.self(), ref = mref}, req = req})
  local m
  if timeout == "infinity" then m = otp.receive({ref = mref})
  else m = otp.receive({ref = mref}, timeout) end
  if m == nil then
    otp.demonitor(mref, {flush = true})
    otp.exit({"timeout", args})
  end
  if m.tag == "DOWN" then otp.exit({m.reason, args}) end
  otp.demonitor(mref, {flush = true})
  return m.value
end

function M.get_state(dest, timeout) return sys_call(dest, "get_state", timeout) end
function M.replace_state(dest, fn, timeout) return sys_call(dest, {"replace_state", fn}, timeout) end
function M.get_status(dest, timeout) return sys_call(dest, "get_status", timeout) end
function M.suspend(dest, timeout) return sys_call(dest, "suspend", timeout) end
function M.resume(dest, timeout) return sys_call(dest, "resume", timeout) end
-- flag: true (start counting), false (stop), "get" (the counts since start)
function M.statistics(dest, flag, timeout) return sys_call(dest, {"statistics", flag}, timeout) end
-- true: "*DBG*" lines go to the trace as "sys" events; false: stop
function M.trace(dest, flag, timeout) return sys_call(dest, {"trace", flag}, timeout) end
-- true or a number N (keep the last N, default 10): start; false: stop; "get": the events
function M.log(dest, flag, timeout) return sys_call(dest, {"log", flag}, timeout) end
-- proc_lib:stop semantics: terminate(reason) runs whatever trap_exit says
function M.terminate(dest, reason, timeout) return gen.stop(dest, reason, timeout, "sys") end

return M
