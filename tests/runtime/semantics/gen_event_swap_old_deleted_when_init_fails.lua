-- gen_event_swap_old_deleted_when_init_fails.lua
-- otp-semantics §4.2: "The old handler is deleted even if `H2:init` fails."
-- swap_handler returns {error = What}, What being init's other return ({error = "nope"} here),
-- or {"EXIT", reason} when init raised; H1 is gone either way and H2 is not installed. The same
-- for a swap returned by handle_event: both are gone, and (as in OTP 25) a supervising
-- process gets {"swapped", H2, pid} for H1, then reason "crash" for H2.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local terms = {}
local Refuser

local Old = {name = "old"}
function Old.init(arg) return "ok", arg end
function Old.handle_event(ev, s)
  if ev == "swap" then return "swap_handler", "swap_arg", s, Refuser, "in" end
  return "ok", s
end
function Old.terminate(arg, s) terms[#terms + 1] = {s, arg}; return s end

Refuser = {name = "refuser"}
function Refuser.init() return {error = "nope"} end
local Crasher = {name = "crasher"}
function Crasher.init() error("init_crash") end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  otp.gen_event.add_handler(mgr, {Old, 1}, "one")
  otp.gen_event.add_handler(mgr, {Old, 2}, "two")
  got.refused = otp.gen_event.swap_handler(mgr, {{Old, 1}, "a"}, {Refuser, "b"})
  got.crashed = otp.gen_event.swap_handler(mgr, {{Old, 2}, "a"}, {Crasher, "b"})
  got.which = otp.gen_event.which_handlers(mgr)
  otp.gen_event.add_sup_handler(mgr, {Old, 3}, "three")
  otp.gen_event.sync_notify(mgr, "swap")
  got.which2 = otp.gen_event.which_handlers(mgr)
  got.msgs = {otp.receive({tag = "gen_event_EXIT"}, 0), otp.receive({tag = "gen_event_EXIT"}, 0)}
  got.me = otp.self()
end)

E.check("swap_handler returns {error = What}", function()
  return {got.refused, got.crashed},
         {{error = {error = "nope"}}, {error = {"EXIT", E.match_error("init_crash")}}}
end)
E.check("the old handlers were terminated and are gone; nothing was added", function()
  return {terms[1], terms[2], got.which}, {{"one", "a"}, {"two", "a"}, {}}
end)
E.check("an event swap whose init fails removes both; the supervisor is told", function()
  return {terms[3], got.which2, got.msgs}, {
    {"three", "swap_arg"}, {},
    {{tag = "gen_event_EXIT", handler = {Old, 3}, reason = {"swapped", Refuser, got.me}},
     {tag = "gen_event_EXIT", handler = Refuser, reason = "crash"}},
  }
end)
