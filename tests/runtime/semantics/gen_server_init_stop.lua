-- gen_server_init_stop.lua
-- otp-semantics §2.5: "`{stop,R}` → `{error,R}`. The name is unregistered *before* the ack, then
-- the process exits with R." and "**OTP 25 detail:** with `start_link` and a trapping caller,
-- `{stop,R}` returns `{error,R}` **and** leaves `{'EXIT',Pid,R}` in the caller's mailbox [RUN]."
-- In Lua: start returns nil, R. A non-trapping start_link caller dies with R when the EXIT
-- arrives (OTP 25, before proc_lib:init_fail) — before or just after start_link returned nil, R:
-- the ack and the exit signal are one instant apart, as in ERTS.
local E = require("lib.expect")

local Srv = {}
function Srv.init(r) return "stop", r end

local got = {}

sim.spawn(function()
  got.start = {otp.gen_server.start(Srv, {"bad_config", 1}, {name = "svc"})}
  got.name_free = otp.whereis("svc") or "undefined"     -- already free when start returns
  otp.process_flag("trap_exit", true)
  got.start_link = {otp.gen_server.start_link(Srv, "nope", {name = "svc"})}
  got.name_free2 = otp.whereis("svc") or "undefined"
  local m = otp.receive({tag = "EXIT"}, 100)
  got.exit = m and {m.tag, otp.is_pid(m.from), m.reason} or "no EXIT"
end)

local caller = {}
sim.spawn(function()
  local c, ref = otp.spawn_monitor(function()
    caller.start_link = {otp.gen_server.start_link(Srv, "fatal")}
    otp.receive(100)
    caller.survived = true
  end)
  caller.down = otp.receive({tag = "DOWN", ref = ref}).reason
end)

E.check("start_link, non-trapping caller: it dies with R", function()
  local returned = E.matcher("<not returned, or {nil, \"fatal\"}>", function(v)
    return v == nil or E.same(v, {nil, "fatal"})
  end)
  return caller, {start_link = returned, down = "fatal"}
end)
E.check("start: nil, R and the name already released", function()
  return {got.start, got.name_free}, {{nil, {"bad_config", 1}}, "undefined"}
end)
E.check("start_link, trapping caller: nil, R, then {EXIT, Pid, R} in the mailbox", function()
  return {got.start_link, got.name_free2, got.exit}, {{nil, "nope"}, "undefined", {"EXIT", true, "nope"}}
end)
