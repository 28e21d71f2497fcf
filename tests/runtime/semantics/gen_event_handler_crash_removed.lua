-- gen_event_handler_crash_removed.lua
-- otp-semantics §4.2: "**A crashing handler is removed; the manager survives.**
-- `terminate({error,{'EXIT',{Reason,Stack}}}, State)` is called, an error is logged, and the
-- remaining handlers still get the event. [RUN]"
-- In Lua the argument is {"error", {"EXIT", reason}}: reason is {message, traceback} for a Lua
-- error, the reason itself for otp.exit(reason) in the handler. Handlers older and newer than
-- the crashing one get the event; the next event reaches only the survivors. A crash in
-- handle_call removes the handler too, and the caller gets {error = {"EXIT", reason}}. The
-- error report is a handler_crash trace event (watched here through otp._trace).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local seen, terminated, reports = {}, {}, {}
local trace = otp._trace
otp._trace = function(kind, ...)
  if kind == "handler_crash" then
    local f = {...}
    reports[#reports + 1] = {f[3], f[4]} -- f: "name", manager, "handler", label, "reason", r
  end
  return trace(kind, ...)
end

local function handler(name)
  local H = {name = name}
  function H.init() return "ok", name end
  function H.handle_event(ev, s)
    if ev == "boom" and s == "fragile" then error("handler_crash") end
    if ev == "quit" and s == "quitter" then otp.exit({"shutdown", "quitting"}) end
    seen[#seen + 1] = {ev, s}
    return "ok", s
  end
  function H.handle_call(req, s)
    if req == "crash" then local t = nil; return t.field end
    return "ok", req, s
  end
  function H.terminate(arg, s) terminated[#terminated + 1] = {s, arg} end
  return H
end
local Old, Fragile, Quitter, New, Caller = handler("old"), handler("fragile"), handler("quitter"),
                                           handler("new"), handler("caller")

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  got.mgr = mgr
  for _, h in ipairs({Old, Fragile, Quitter, New}) do otp.gen_event.add_handler(mgr, h, nil) end
  otp.gen_event.sync_notify(mgr, "boom")
  got.after_boom = otp.gen_event.which_handlers(mgr)
  otp.gen_event.sync_notify(mgr, "quit")
  otp.gen_event.sync_notify(mgr, "next")
  got.after_quit = otp.gen_event.which_handlers(mgr)
  otp.gen_event.add_handler(mgr, Caller, nil)
  got.call = otp.gen_event.call(mgr, Caller, "crash")
  got.after_call = otp.gen_event.which_handlers(mgr)
  got.alive = otp.is_alive(mgr)
end)

E.check("the crashing handler got terminate({error, {EXIT, {msg, traceback}}})", function()
  return terminated[1], {"fragile", {"error", {"EXIT", E.match_error("handler_crash")}}}
end)
E.check("an exit in a handler is a crash with that reason", function()
  return terminated[2], {"quitter", {"error", {"EXIT", {"shutdown", "quitting"}}}}
end)
E.check("the other handlers, newer and older, still got the event", function()
  return seen, {{"boom", "new"}, {"boom", "quitter"}, {"boom", "old"},
                {"quit", "new"}, {"quit", "old"},
                {"next", "new"}, {"next", "old"}}
end)
E.check("crashed handlers are removed; the manager survives", function()
  return {got.after_boom, got.after_quit, got.alive}, {{New, Quitter, Old}, {New, Old}, true}
end)
E.check("a crash in handle_call: {error = {EXIT, reason}} and the handler is removed", function()
  local why = {"EXIT", E.match_error("attempt to index a nil value (local 't')")}
  return {got.call, terminated[3], got.after_call},
         {{error = why}, {"caller", {"error", why}}, {New, Old}}
end)
E.check("each crash is reported as a handler_crash event", function()
  return reports, {{"handler", "fragile"}, {"handler", "quitter"}, {"handler", "caller"}}
end)
