-- gen_event_manager_traps_exits.lua
-- otp-semantics §4.2: "The manager **traps exits** [SRC:232]. Handlers are modules (or
-- `{Module,Id}`) running **inside the manager process**."
-- The manager's trap_exit flag is on; every callback runs in the manager process; two
-- instances of one module, {H, 1} and {H, 2}, are two handlers with their own states; an EXIT
-- from a linked process (not the parent, supervising nothing) does not kill the manager: it
-- reaches every handler's handle_info.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local seen = {}

local H = {name = "h"}
function H.init(tag) seen[#seen + 1] = {"init", tag, otp.self()}; return "ok", tag end
function H.handle_event(ev, s) seen[#seen + 1] = {"event", s, ev, otp.self()}; return "ok", s end
function H.handle_info(m, s) seen[#seen + 1] = {"info", s, m.tag, m.reason}; return "ok", s end
function H.handle_call(q, s) return "ok", {s, otp.self()}, s end

-- links the manager (the process it runs in) to the pid it is called with
local Linker = {name = "linker"}
function Linker.init() return "ok", nil end
function Linker.handle_call(pid, s) otp.link(pid); return "ok", "linked", s end
function Linker.handle_info(m, s) seen[#seen + 1] = {"info", "linker", m.tag, m.reason}; return "ok", s end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  got.mgr = mgr
  got.trap_exit = otp.process_info(mgr).trap_exit
  otp.gen_event.add_handler(mgr, {H, 1}, "one")
  otp.gen_event.add_handler(mgr, {H, 2}, "two")
  got.which = otp.gen_event.which_handlers(mgr)
  otp.gen_event.sync_notify(mgr, "ping")
  got.call = otp.gen_event.call(mgr, {H, 2}, "who")
  -- a handler links the manager to a process, which then dies with boom
  otp.gen_event.add_handler(mgr, Linker, nil)
  local victim = otp.spawn(function() otp.receive() end)
  got.link = otp.gen_event.call(mgr, Linker, victim)
  otp.exit(victim, "boom")
  otp.sleep(10)
  got.alive = otp.is_alive(mgr)
  got.after = otp.gen_event.which_handlers(mgr)
end)

E.check("the manager traps exits", function() return got.trap_exit, true end)
E.check("{H, 1} and {H, 2} are two handlers, newest first", function()
  return got.which, {{H, 2}, {H, 1}}
end)
E.check("init, handle_event and handle_call run inside the manager", function()
  local m = got.mgr
  return {seen[1], seen[2], seen[3], seen[4], got.call},
         {{"init", "one", m}, {"init", "two", m}, {"event", "two", "ping", m},
          {"event", "one", "ping", m}, {"two", m}}
end)
E.check("a linked process's EXIT reaches handle_info; the manager survives", function()
  local infos = {}
  for _, s in ipairs(seen) do if s[1] == "info" and s[3] == "EXIT" then infos[#infos + 1] = s[2] end end
  return {got.link, infos, got.alive, got.after},
         {"linked", {"linker", "two", "one"}, true, {Linker, {H, 2}, {H, 1}}}
end)
