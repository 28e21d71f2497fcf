-- gen_statem_terminate_trapping_parent_exit.lua
-- otp-semantics §4.1: "`terminate/3` guarantees are the same as gen_server's: only called when
-- trapping a parent `EXIT`, on stop returns or crashes, and on `gen_statem:stop`." §2.6: "4. An
-- `{'EXIT', Parent, R}` arrived **and the server traps exits**. Parent is whoever spawned it
-- through `start_link`." "An `'EXIT'` from a linked process that is *not* the parent, received
-- while trapping, is delivered to `handle_info`, and the server lives on."
-- Here: an EXIT from a linked non-parent is an "info" event; then the parent exits shutdown →
-- terminate("shutdown", state, data) and the machine exits shutdown.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init()
  otp.process_flag("trap_exit", true)
  return "ok", "s", "d"
end
function M.s(ev, msg, data)
  if ev == "cast" and msg == "link_to_doomed" then
    otp.spawn_link(function() otp.exit("doomed_exit") end)
    return "keep_state_and_data"
  end
  log[#log + 1] = {ev, type(msg) == "table" and {msg.tag, msg.reason} or msg}
  return "keep_state_and_data"
end
function M.terminate(reason, state, data) log[#log + 1] = {"terminate", reason, state, data} end

local got = {}
sim.spawn("n", function()
  local parent, pref = otp.spawn_monitor(function(watcher)
    local pid = otp.gen_statem.start_link(M)
    otp.send(watcher, {machine = pid})
    otp.receive({go = true})
    otp.exit("shutdown")
  end, otp.self())
  local machine = otp.receive({machine = otp.any}).machine
  local mref = otp.monitor(machine)
  otp.gen_statem.cast(machine, "link_to_doomed")
  otp.sleep(10)
  otp.send(parent, {go = true})
  got.parent = otp.receive({tag = "DOWN", ref = pref}).reason
  got.machine = otp.receive({tag = "DOWN", ref = mref}).reason
end)

E.check("a non-parent EXIT is an info event; the parent's EXIT runs terminate", function()
  return log, {{"info", {"EXIT", "doomed_exit"}}, {"terminate", "shutdown", "s", "d"}}
end)
E.check("the machine exits with the parent's reason", function()
  return got, {parent = "shutdown", machine = "shutdown"}
end)
