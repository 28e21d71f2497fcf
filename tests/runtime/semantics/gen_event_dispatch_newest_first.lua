-- gen_event_dispatch_newest_first.lua
-- otp-semantics §4.2: "**Dispatch order is newest handler first.** The handlers list is
-- prepended. [RUN: added plain, fragile, removable → handled removable, fragile, plain]"
-- The same order for notify, sync_notify and infos (handle_info), and in which_handlers; a
-- handler added later goes to the front; one deleted from the middle leaves the others' order.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local order = {}

local function handler(name)
  local H = {name = name}
  function H.init() return "ok", name end
  function H.handle_event(ev, s) order[#order + 1] = {ev, s}; return "ok", s end
  function H.handle_info(m, s) order[#order + 1] = {m, s}; return "ok", s end
  return H
end
local Plain, Fragile, Removable, Late = handler("plain"), handler("fragile"), handler("removable"), handler("late")

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start({name = "evm"})
  for _, h in ipairs({Plain, Fragile, Removable}) do otp.gen_event.add_handler("evm", h, nil) end
  got.which = otp.gen_event.which_handlers(mgr)
  otp.gen_event.notify("evm", "e1")
  otp.gen_event.sync_notify("evm", "e2")
  otp.send(mgr, "i3")
  otp.gen_event.add_handler(mgr, Late, nil)
  otp.gen_event.delete_handler(mgr, Fragile, nil)
  otp.gen_event.sync_notify(mgr, "e4")
  got.which2 = otp.gen_event.which_handlers(mgr)
end)

E.check("which_handlers lists the newest first", function()
  return got.which, {Removable, Fragile, Plain}
end)
E.check("every event and info visits the newest handler first", function()
  return order, {
    {"e1", "removable"}, {"e1", "fragile"}, {"e1", "plain"},
    {"e2", "removable"}, {"e2", "fragile"}, {"e2", "plain"},
    {"i3", "removable"}, {"i3", "fragile"}, {"i3", "plain"},
    {"e4", "late"}, {"e4", "removable"}, {"e4", "plain"},
  }
end)
E.check("a later handler goes in front; a deletion keeps the others' order", function()
  return got.which2, {Late, Removable, Plain}
end)
