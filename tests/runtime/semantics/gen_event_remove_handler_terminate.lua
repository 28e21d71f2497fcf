-- gen_event_remove_handler_terminate.lua
-- otp-semantics §4.2: "A `remove_handler` return calls `terminate(remove_handler, S)`."
-- From handle_event, from handle_info and from handle_call ("remove_handler", reply: the caller
-- still gets the reply). The handler is gone, the others stay, and the removal is not an error:
-- no handler_crash event is traced (the trace calls are watched through otp._trace).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local terminated, reports = {}, {}
local trace = otp._trace
otp._trace = function(kind, ...)
  if kind == "handler_crash" then reports[#reports + 1] = {...} end
  return trace(kind, ...)
end

local function handler(name)
  local H = {name = name}
  function H.init() return "ok", name .. "_state" end
  function H.handle_event(ev, s)
    if ev == "leave_" .. name then return "remove_handler" end
    return "ok", s
  end
  function H.handle_info(m, s)
    if m == "leave_" .. name then return "remove_handler" end
    return "ok", s
  end
  function H.handle_call(req, s)
    if req == "leave" then return "remove_handler", "goodbye" end
    return "ok", "still here", s
  end
  function H.terminate(arg, s) terminated[#terminated + 1] = {s, arg} end
  return H
end
local Stay, ByEvent, ByInfo, ByCall = handler("stay"), handler("by_event"), handler("by_info"),
                                      handler("by_call")

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  for _, h in ipairs({Stay, ByEvent, ByInfo, ByCall}) do otp.gen_event.add_handler(mgr, h, nil) end
  otp.gen_event.notify(mgr, "leave_by_event")
  otp.send(mgr, "leave_by_info")
  got.reply = otp.gen_event.call(mgr, ByCall, "leave")
  got.which = otp.gen_event.which_handlers(mgr)
end)

E.check("terminate(remove_handler, state) for each", function()
  return terminated, {{"by_event_state", "remove_handler"}, {"by_info_state", "remove_handler"},
                      {"by_call_state", "remove_handler"}}
end)
E.check("the caller gets the reply; only the other handler stays", function()
  return {got.reply, got.which}, {"goodbye", {Stay}}
end)
E.check("no handler_crash report", function() return reports, {} end)
