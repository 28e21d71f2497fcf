-- gen_event_delete_missing_module_not_found.lua
-- otp-semantics §4.2: "`delete_handler` on a missing handler → `{error,module_not_found}`."
-- delete_handler(M, H, Args) runs H.terminate(Args, State) and returns what it returned ("ok"
-- for a module without terminate); deleting it again, or deleting a handler never added,
-- gives {error = "module_not_found"}; the other handlers stay.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local terminated = {}

local H = {name = "h"}
function H.init(n) return "ok", n end
function H.terminate(arg, s) terminated[#terminated + 1] = {arg, s}; return {"bye_from", s} end
local Bare = {name = "bare"}
function Bare.init() return "ok", "bare" end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  otp.gen_event.add_handler(mgr, {H, "x"}, "state_x")
  otp.gen_event.add_handler(mgr, {H, "y"}, "state_y")
  otp.gen_event.add_handler(mgr, Bare, nil)
  got.deleted = otp.gen_event.delete_handler(mgr, {H, "x"}, "delete_args")
  got.again = otp.gen_event.delete_handler(mgr, {H, "x"}, "delete_args")
  got.never = otp.gen_event.delete_handler(mgr, H, nil)
  got.bare = otp.gen_event.delete_handler(mgr, Bare, nil)
  got.which = otp.gen_event.which_handlers(mgr)
end)

E.check("delete returns terminate's value; terminate got the args", function()
  return {got.deleted, terminated, got.bare},
         {{"bye_from", "state_x"}, {{"delete_args", "state_x"}}, "ok"}
end)
E.check("deleting a missing handler gives {error = module_not_found}", function()
  return {got.again, got.never}, {{error = "module_not_found"}, {error = "module_not_found"}}
end)
E.check("the other handler stays", function() return got.which, {{H, "y"}} end)
