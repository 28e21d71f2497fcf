-- gen_event_sys_system_messages.lua
-- otp-semantics §2.7: "System messages `{system, From, Req}` are handled inside the loop before
-- user callbacks." "`sys:suspend` makes the process answer only system messages."
-- "`sys:get_state` works while suspended." — for a gen_event manager, whose state is one
-- {module, id, state} per handler, newest first (OTP's [{Mod, Id, State}]). Events sent while
-- it is suspended wait and are handled after resume; replace_state changes handler states;
-- statistics count non-system messages in and replies out.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local H = {name = "h"}
function H.init(n) return "ok", n end
function H.handle_event(k, n) return "ok", n + k end
function H.handle_call(_, n) return "ok", n, n end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  otp.gen_event.add_handler(mgr, H, 0)
  otp.gen_event.add_handler(mgr, {H, "b"}, 100)
  otp.sys.statistics(mgr, true)
  otp.sys.suspend(mgr)
  otp.gen_event.notify(mgr, 5)
  got.suspended = otp.sys.get_state(mgr)
  got.status = otp.sys.get_status(mgr).status
  otp.sys.resume(mgr)
  got.resumed = otp.sys.get_state(mgr)
  otp.sys.replace_state(mgr, function(list)
    for _, h in ipairs(list) do h.state = h.state * 2 end
    return list
  end)
  got.replaced = {otp.gen_event.call(mgr, H, "get"), otp.gen_event.call(mgr, {H, "b"}, "get")}
  local st = otp.sys.statistics(mgr, "get")
  got.stats = {st.messages_in, st.messages_out}
end)

E.check("get_state while suspended: the event waits", function()
  return {got.suspended, got.status},
         {{{module = H, id = "b", state = 100}, {module = H, state = 0}}, "suspended"}
end)
E.check("after resume the event is handled", function()
  return got.resumed, {{module = H, id = "b", state = 105}, {module = H, state = 5}}
end)
E.check("replace_state sets the handlers' states", function()
  return got.replaced, {10, 210}
end)
E.check("statistics: 1 event + 2 calls in, 2 replies out", function()
  return got.stats, {3, 2}
end)
