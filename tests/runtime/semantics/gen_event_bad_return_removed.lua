-- gen_event_bad_return_removed.lua
-- otp-semantics §4.2: "A bad return value is treated the same way." (as a crash: the handler
-- is removed, terminate is called, the remaining handlers still get the event.)
-- otpsim's shape for the bad value is {"bad_return_value", first_value} (as for gen_server):
-- terminate gets {"error", {"bad_return_value", v}}. The same from handle_event, handle_info
-- (here "ok" without a state) and handle_call, whose caller gets {error = {"bad_return_value", v}}.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local seen, terminated = {}, {}

local function handler(name)
  local H = {name = name}
  function H.init() return "ok", name end
  function H.handle_event(ev, s)
    if ev == "bad" and s == "bogus" then return "bogus", s end
    seen[#seen + 1] = {ev, s}
    return "ok", s
  end
  function H.handle_info(m, s)
    if s == "stateless" then return "ok" end
    seen[#seen + 1] = {m, s}
    return "ok", s
  end
  function H.handle_call(req, s) return "reply", req, s end -- a gen_server answer, not gen_event's
  function H.terminate(arg, s) terminated[#terminated + 1] = {s, arg} end
  return H
end
local Plain, Bogus, Stateless, Confused = handler("plain"), handler("bogus"), handler("stateless"),
                                          handler("confused")

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  for _, h in ipairs({Plain, Bogus, Stateless, Confused}) do otp.gen_event.add_handler(mgr, h, nil) end
  otp.gen_event.sync_notify(mgr, "bad")
  otp.send(mgr, "info")
  got.call = otp.gen_event.call(mgr, Confused, "q")
  got.which = otp.gen_event.which_handlers(mgr)
  got.alive = otp.is_alive(mgr)
end)

E.check("terminate({error, {bad_return_value, v}}) for each bad return", function()
  return terminated, {{"bogus", {"error", {"bad_return_value", "bogus"}}},
                      {"stateless", {"error", {"bad_return_value", "ok"}}},
                      {"confused", {"error", {"bad_return_value", "reply"}}}}
end)
E.check("the other handlers still got the event and the info", function()
  return seen, {{"bad", "confused"}, {"bad", "stateless"}, {"bad", "plain"},
                {"info", "confused"}, {"info", "plain"}}
end)
E.check("the caller gets {error = {bad_return_value, v}}; only plain is left", function()
  return {got.call, got.which, got.alive}, {{error = {"bad_return_value", "reply"}}, {Plain}, true}
end)
