-- gen_event_sup_handler_exit_reasons.lua
-- otp-semantics §4.2: "**Supervised handlers** (`add_sup_handler`): the handler is linked to the
-- calling process. When the handler is removed, the caller gets `{gen_event_EXIT, Handler,
-- Reason}`, where Reason is: `normal` (deleted or `remove_handler`), `shutdown` (manager
-- stopping), `{swapped, NewHandler, Pid}`, the `{'EXIT',…}` error term. [RUN: crash →
-- `{gen_event_EXIT,{dt_evh,fragile},{'EXIT',{handler_crash,Stack}}}`; swap →
-- `{swapped,{dt_evh,new},Pid}`; stop → `{gen_event_EXIT,{dt_evh,new},shutdown}`]"
-- In Lua: {tag = "gen_event_EXIT", handler = h, reason = r}; h compares == to the module table
-- (it is a proxy of it, as messages are copied). The manager and the caller are linked; a
-- handler added with add_handler sends nothing when it goes.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local H = {name = "dt_evh"}
function H.init(arg) return "ok", arg end
function H.handle_event(ev, s)
  if ev == "remove_" .. tostring(s) then return "remove_handler" end
  if ev == "crash_" .. tostring(s) then error("handler_crash") end
  return "ok", s
end
function H.terminate(arg, s) return s end

local got = {}

local function drain()
  local msgs = {}
  while true do
    local m = otp.receive({tag = "gen_event_EXIT"}, 0)
    if not m then return msgs end
    msgs[#msgs + 1] = m
  end
end

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  got.mgr, got.me = mgr, otp.self()
  otp.gen_event.add_handler(mgr, {H, "plain"}, "plain")
  got.add = otp.gen_event.add_sup_handler(mgr, {H, "deleted"}, "deleted")
  got.linked = otp.process_info().links
  otp.gen_event.add_sup_handler(mgr, {H, "removed"}, "removed")
  otp.gen_event.add_sup_handler(mgr, {H, "fragile"}, "fragile")
  otp.gen_event.add_sup_handler(mgr, {H, "old"}, "old")
  otp.gen_event.delete_handler(mgr, {H, "deleted"}, nil)
  otp.gen_event.delete_handler(mgr, {H, "plain"}, nil)
  otp.gen_event.sync_notify(mgr, "remove_removed")
  otp.gen_event.sync_notify(mgr, "crash_fragile")
  got.swap = otp.gen_event.swap_handler(mgr, {{H, "old"}, "swap"}, {{H, "new"}, "new"})
  otp.gen_event.stop(mgr)
  got.msgs = drain()
  got.handler_is_module = got.msgs[1] and got.msgs[1].handler[1] == H
end)

E.check("add_sup_handler returns ok and links the caller and the manager", function()
  return {got.add, got.linked}, {"ok", {got.mgr}}
end)
E.check("gen_event_EXIT: normal, normal, EXIT, swapped, shutdown — nothing for add_handler", function()
  local function exit(id, reason) return {tag = "gen_event_EXIT", handler = {H, id}, reason = reason} end
  return got.msgs, {
    exit("deleted", "normal"),
    exit("removed", "normal"),
    exit("fragile", {"EXIT", E.match_error("handler_crash")}),
    exit("old", {"swapped", {H, "new"}, got.me}),
    exit("new", "shutdown"),
  }
end)
E.check("the handler in the message compares == to the module table", function()
  return {got.handler_is_module, got.swap}, {true, "ok"}
end)
