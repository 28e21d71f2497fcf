-- supervisor_delete_child.lua
-- otp-semantics §3.6: "`delete_child` on a running child → `{error,running}`; after it is
-- terminated → `ok`." [RUN]
--
-- delete_child of a running child: running (the child keeps running); after terminate_child:
-- ok and the spec is gone (restart_child then says not_found, start_child with the same id works
-- again); of an unknown id: not_found.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function start() return otp.spawn_link(function() otp.receive() end) end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one"},
                                        {{id = "a", start = start}, {id = "b", start = start}})
  local a = otp.supervisor.which_children(sup)[2].pid
  got.running = {otp.supervisor.delete_child(sup, "a")}
  got.still = otp.is_alive(a)
  otp.supervisor.terminate_child(sup, "a")
  got.deleted = {otp.supervisor.delete_child(sup, "a")}
  local ids = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do ids[i] = c.id end
  got.ids = ids
  got.restart = {otp.supervisor.restart_child(sup, "a")}
  got.again = {otp.supervisor.delete_child(sup, "a")}
  got.unknown = {otp.supervisor.delete_child(sup, "zzz")}
  got.readd = otp.is_pid(otp.supervisor.start_child(sup, {id = "a", start = start}))
end)

E.check("delete_child of a running child: running; it keeps running", function()
  return {got.running, got.still}, {{nil, "running"}, true}
end)
E.check("after terminate_child: ok, and the spec is gone", function()
  return {got.deleted, got.ids, got.restart}, {{"ok"}, {"b"}, {nil, "not_found"}}
end)
E.check("deleting again or an unknown id: not_found", function()
  return {got.again, got.unknown}, {{nil, "not_found"}, {nil, "not_found"}}
end)
E.check("the id can be used again by start_child", function() return got.readd, true end)
