-- supervisor_start_child.lua
-- otp-semantics §3.6: "`start_child` with an existing id → `{error,{already_started,Pid}}` or
-- `{error, already_present}`. [RUN]" — and from supervisor(3) / supervisor.erl
-- handle_start_child, the other outcomes: a new spec is started and stored as the newest child;
-- an invalid spec gives the validation error; a failing start function gives
-- `{error, {Reason, ChildSpec}}` and the spec is discarded.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function start() return otp.spawn_link(function() otp.receive() end) end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one"}, {{id = "a", start = start}})
  local a = otp.supervisor.which_children(sup)[1].pid
  got.running = {otp.supervisor.start_child(sup, {id = "a", start = start})}
  got.a = a
  otp.supervisor.terminate_child(sup, "a")
  got.present = {otp.supervisor.start_child(sup, {id = "a", start = start})}
  local b = otp.supervisor.start_child(sup, {id = "b", start = start, restart = "transient"})
  local first = otp.supervisor.which_children(sup)[1]
  got.new = {otp.is_pid(b), first.id, first.pid == b}
  got.invalid = {otp.supervisor.start_child(sup, {id = "c", start = start, restart = "bogus"})}
  got.failing = {otp.supervisor.start_child(sup, {id = "d", start = function() return nil, "nope" end})}
  local ids = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do ids[i] = c.id end
  got.ids = ids
end)

E.check("existing running id: {already_started, Pid}", function()
  return got.running, {nil, {"already_started", got.a}}
end)
E.check("existing terminated id: already_present", function()
  return got.present, {nil, "already_present"}
end)
E.check("a new spec starts and becomes the newest child", function()
  return got.new, {true, "b", true}
end)
E.check("an invalid spec: the validation error", function()
  return got.invalid, {nil, {"invalid_restart_type", "bogus"}}
end)
E.check("a failing start: {Reason, ChildSpec}", function()
  return got.failing, {nil, {"nope", E.ANY}}
end)
E.check("neither the invalid nor the failed spec is stored", function()
  return got.ids, {"b", "a"}
end)
