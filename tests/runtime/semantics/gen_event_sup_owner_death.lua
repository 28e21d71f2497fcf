-- gen_event_sup_owner_death.lua
-- otp-semantics §4.2: "If the **supervising process dies with R**, its handlers get
-- `terminate({stop,R}, S)`. Then every remaining handler gets `handle_info({'EXIT',Pid,R})`."
-- Owner A supervises {H, "a1"} and {H, "a2"}; owner B supervises {H, "b"}; {H, "plain"} has no
-- owner. A dies with "owner_died": a1 and a2 get terminate({"stop", "owner_died"}, s) (newest
-- first) and are removed; then b and plain, in dispatch order, get handle_info({tag = "EXIT",
-- from = A, reason = "owner_died"}). B keeps its handler and gets no gen_event_EXIT. When B
-- later ends normally, the same happens with reason "normal" (the manager traps exits).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local H = {name = "h"}
function H.init(id) return "ok", id end
function H.handle_info(m, s) log[#log + 1] = {"info", s, m.tag, m.from, m.reason}; return "ok", s end
function H.terminate(arg, s) log[#log + 1] = {"terminate", s, arg} end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  got.mgr = mgr
  otp.gen_event.add_handler(mgr, {H, "plain"}, "plain")
  local me = otp.self()
  local b = otp.spawn(function()
    otp.gen_event.add_sup_handler(mgr, {H, "b"}, "b")
    otp.send(me, "b_ready")
    got.b_msgs = otp.receive({tag = "gen_event_EXIT"}, 100) or "none"
  end)
  otp.receive(function(m) return m == "b_ready" end)
  local a = otp.spawn(function()
    otp.gen_event.add_sup_handler(mgr, {H, "a1"}, "a1")
    otp.gen_event.add_sup_handler(mgr, {H, "a2"}, "a2")
    otp.send(me, "a_ready")
    otp.receive(function(m) return m == "die" end)
    otp.exit("owner_died")
  end)
  got.a, got.b = a, b
  otp.receive(function(m) return m == "a_ready" end)
  got.before = otp.gen_event.which_handlers(mgr)
  otp.send(a, "die")
  otp.sleep(10)
  got.after = otp.gen_event.which_handlers(mgr)
  got.alive = otp.is_alive(mgr)
  otp.sleep(200) -- B ends normally at t = 100
  got.final = otp.gen_event.which_handlers(mgr)
end)

E.check("before: a2, a1, b, plain", function()
  return got.before, {{H, "a2"}, {H, "a1"}, {H, "b"}, {H, "plain"}}
end)
E.check("A's handlers get terminate({stop, R}); then the others get the EXIT as an info", function()
  return log, {
    {"terminate", "a2", {"stop", "owner_died"}},
    {"terminate", "a1", {"stop", "owner_died"}},
    {"info", "b", "EXIT", got.a, "owner_died"},
    {"info", "plain", "EXIT", got.a, "owner_died"},
    {"terminate", "b", {"stop", "normal"}},
    {"info", "plain", "EXIT", got.b, "normal"},
  }
end)
E.check("A's handlers are gone, the manager lives, B was untouched", function()
  return {got.after, got.alive, got.b_msgs, got.final}, {{{H, "b"}, {H, "plain"}}, true, "none", {{H, "plain"}}}
end)
