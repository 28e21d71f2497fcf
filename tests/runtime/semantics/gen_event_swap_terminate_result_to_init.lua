-- gen_event_swap_terminate_result_to_init.lua
-- otp-semantics §4.2: "**swap_handler(M, {H1,A1}, {H2,A2})**: `T = H1:terminate(A1,S1)` (T =
-- `error` if H1 is missing, `{'EXIT',R}` if it crashed); then `H2:init({A2, T})`. [RUN:
-- `terminate(old, swap_arg)` returned `{state_of,old}`; `init({{swap_in,..}, {state_of,old}})`]"
-- Also a swap asked for by handle_event's return ("swap_handler", args1, state1, h2, args2):
-- the old handler's terminate gets args1 and state1, the new one takes its place in the list.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local inits, terms = {}, {}
local New

local Old = {name = "old"}
function Old.init(arg) return "ok", arg end
function Old.handle_event(ev, s)
  if ev == "swap_me" then return "swap_handler", "by_event", {s, "updated"}, {New, "from_event"}, "event_in" end
  return "ok", s
end
function Old.terminate(arg, s)
  terms[#terms + 1] = {s, arg}
  if s == "crashing" then error("terminate_crash") end
  return {"state_of", s}
end

New = {name = "new"}
function New.init(arg) inits[#inits + 1] = arg; return "ok", arg end
function New.handle_event(_, s) return "ok", s end

local Other = {name = "other"}
function Other.init() return "ok", nil end
function Other.handle_event(_, s) return "ok", s end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  otp.gen_event.add_handler(mgr, {Old, 1}, "old_state")
  got.swap = otp.gen_event.swap_handler(mgr, {{Old, 1}, "swap_arg"}, {{New, 1}, {"swap_in", 1}})
  got.missing = otp.gen_event.swap_handler(mgr, {{Old, 99}, "swap_arg"}, {{New, 2}, "swap_in_2"})
  otp.gen_event.add_handler(mgr, {Old, 3}, "crashing")
  got.crashed = otp.gen_event.swap_handler(mgr, {{Old, 3}, "swap_arg"}, {{New, 3}, "swap_in_3"})
  otp.gen_event.add_handler(mgr, Other, nil)
  otp.gen_event.add_handler(mgr, {Old, 4}, "evented")
  otp.gen_event.add_handler(mgr, {Other, "newest"}, nil)
  otp.gen_event.sync_notify(mgr, "swap_me")
  got.which = otp.gen_event.which_handlers(mgr)
end)

E.check("init({A2, T}) with T = terminate(A1, S1)", function()
  return {got.swap, terms[1], inits[1]},
         {"ok", {"old_state", "swap_arg"}, {{"swap_in", 1}, {"state_of", "old_state"}}}
end)
E.check("T = error when H1 is not installed", function()
  return {got.missing, inits[2]}, {"ok", {"swap_in_2", "error"}}
end)
E.check("T = {EXIT, R} when H1's terminate crashed", function()
  return {got.crashed, inits[3]},
         {"ok", {"swap_in_3", {"EXIT", E.match_error("terminate_crash")}}}
end)
E.check("a swap returned by handle_event: terminate(args1, state1), init({args2, T})", function()
  return {terms[3], inits[4]},
         {{{"evented", "updated"}, "by_event"},
          {"event_in", {"state_of", {"evented", "updated"}}}}
end)
E.check("swap_handler adds H2 as the newest; an event swap keeps the old place", function()
  return got.which, {{Other, "newest"}, {New, "from_event"}, Other, {New, 3}, {New, 2}, {New, 1}}
end)
