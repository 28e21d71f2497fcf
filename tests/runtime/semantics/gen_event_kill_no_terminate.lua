-- gen_event_kill_no_terminate.lua
-- otp-semantics §2.6 (terminate guarantees, which §4.2's stop and parent-EXIT rules build on):
-- "It is **not** called when the server does not trap exits and receives a lethal exit signal,
-- nor when it is `kill`ed (brutal_kill)." A manager always traps exits, so only kill remains:
-- killed, its handlers get no terminate, and their supervisors get no gen_event_EXIT (only the
-- link's EXIT, "killed", which a trapping supervisor receives as a message).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local terms = {}

local H = {name = "h"}
function H.init(arg) return "ok", arg end
function H.terminate(arg, s) terms[#terms + 1] = {s, arg} end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local mgr = otp.gen_event.start()
  otp.gen_event.add_handler(mgr, {H, 1}, "one")
  otp.gen_event.add_sup_handler(mgr, {H, 2}, "two")
  local ref = otp.monitor(mgr)
  otp.exit(mgr, "kill")
  got.down = otp.receive({tag = "DOWN", ref = ref}, 100).reason
  got.exit = otp.receive({tag = "EXIT"}, 0)
  got.exit = got.exit and got.exit.reason
  got.gen_event_exit = otp.receive({tag = "gen_event_EXIT"}, 0) or "none"
end)

E.check("killed: no terminate, no gen_event_EXIT; the supervisor sees the link's EXIT", function()
  return {terms, got.down, got.exit, got.gen_event_exit}, {{}, "killed", "killed", "none"}
end)
