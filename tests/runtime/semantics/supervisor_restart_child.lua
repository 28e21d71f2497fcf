-- supervisor_restart_child.lua
-- otp-semantics §3.6: "`terminate_child(Sup, Id)` → `ok`. The spec is kept with `pid=undefined`
-- [...]. `restart_child` then starts it. [...] `restart_child` on a running child →
-- `{error,running}`." [RUN]
--
-- restart_child of a running child: running; of a terminated child: its new pid (a fresh start
-- from the spec); of an unknown id: not_found; when the start function then fails: the error,
-- and the child stays undefined.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local starts, fail = 0, false

local function start()
  if fail then return nil, "no_way" end
  starts = starts + 1
  return otp.spawn_link(function() otp.receive() end)
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one"}, {{id = "a", start = start}})
  local first = otp.supervisor.which_children(sup)[1].pid
  got.running = {otp.supervisor.restart_child(sup, "a")}
  otp.supervisor.terminate_child(sup, "a")
  local pid = otp.supervisor.restart_child(sup, "a")
  local now = otp.supervisor.which_children(sup)[1].pid
  got.restarted = {otp.is_pid(pid), pid ~= first, now == pid, otp.is_alive(pid), starts}
  got.unknown = {otp.supervisor.restart_child(sup, "b")}
  otp.supervisor.terminate_child(sup, "a")
  fail = true
  got.failing = {otp.supervisor.restart_child(sup, "a")}
  got.after_fail = otp.supervisor.which_children(sup)[1].pid
end)

E.check("restart_child of a running child: running", function()
  return got.running, {nil, "running"}
end)
E.check("restart_child of a terminated child starts it afresh", function()
  return got.restarted, {true, true, true, true, 2}
end)
E.check("restart_child of an unknown id: not_found", function()
  return got.unknown, {nil, "not_found"}
end)
E.check("a failing start: the error is returned, the child stays undefined", function()
  return {got.failing, got.after_fail}, {{nil, "no_way"}, "undefined"}
end)
