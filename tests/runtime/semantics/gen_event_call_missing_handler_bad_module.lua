-- gen_event_call_missing_handler_bad_module.lua
-- otp-semantics §4.2: "`call(M, Handler, Req)` goes to one handler; a missing handler gives
-- `{error,bad_module}`."
-- A call reaches only the named handler ({H, 2}, not {H, 1}) and its state changes; a handler
-- that is not installed — another id, the module without an id, another module, one already
-- deleted — gives {error = "bad_module"}. A call to a manager that is gone exits the caller with
-- {"noproc", {"gen_event", "call", {mgr, handler, req}}}.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local calls = {}

local H = {name = "h"}
function H.init(n) return "ok", {n = n, calls = 0} end
function H.handle_call(req, s)
  calls[#calls + 1] = {s.n, req}
  s.calls = s.calls + 1
  return "ok", {n = s.n, req = req, calls = s.calls}, s
end
local Other = {name = "other"}
function Other.init() return "ok", nil end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  got.mgr = mgr
  otp.gen_event.add_handler(mgr, {H, 1}, 1)
  otp.gen_event.add_handler(mgr, {H, 2}, 2)
  got.first = otp.gen_event.call(mgr, {H, 2}, "a")
  got.second = otp.gen_event.call(mgr, {H, 2}, "b", 100)
  got.other_id = otp.gen_event.call(mgr, {H, 3}, "c")
  got.no_id = otp.gen_event.call(mgr, H, "d")
  got.other_module = otp.gen_event.call(mgr, Other, "e")
  otp.gen_event.delete_handler(mgr, {H, 2}, nil)
  got.deleted = otp.gen_event.call(mgr, {H, 2}, "f")
  otp.gen_event.stop(mgr)
  got.dead = E.catch(otp.gen_event.call, mgr, H, "g")
end)

E.check("the call reaches the named handler only, which keeps its new state", function()
  return {got.first, got.second, calls},
         {{n = 2, req = "a", calls = 1}, {n = 2, req = "b", calls = 2}, {{2, "a"}, {2, "b"}}}
end)
E.check("a handler that is not installed gives {error = bad_module}", function()
  local bad = {error = "bad_module"}
  return {got.other_id, got.no_id, got.other_module, got.deleted}, {bad, bad, bad, bad}
end)
E.check("a call to a stopped manager exits noproc", function()
  return got.dead, {"exit", {"noproc", {"gen_event", "call", {got.mgr, H, "g"}}}}
end)
