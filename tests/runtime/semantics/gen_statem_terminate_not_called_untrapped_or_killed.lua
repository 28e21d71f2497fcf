-- gen_statem_terminate_not_called_untrapped_or_killed.lua
-- otp-semantics §2.6 (shared by §4.1): "It is **not** called when the server does not trap exits
-- and receives a lethal exit signal, nor when it is `kill`ed (brutal_kill)." Also §2.6 rule 4:
-- without start_link the starter is not the parent: with start, the starter's EXIT (through a
-- link made later) is an ordinary info event for a trapping machine.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "handle_event_function"}
function M.init(trap)
  if trap then otp.process_flag("trap_exit", true) end
  return "ok", "s", nil
end
function M.handle_event(ev, msg)
  log[#log + 1] = {ev, type(msg) == "table" and msg.tag or msg}
  return "keep_state_and_data"
end
function M.terminate(reason) log[#log + 1] = {"terminate", reason} end

local got = {}
local function start_under(trap, how, link_after)
  local parent, pref = otp.spawn_monitor(function(watcher)
    local pid
    if link_after then pid = otp.gen_statem.start(M, trap); otp.link(pid)
    else pid = otp.gen_statem.start_link(M, trap) end
    otp.send(watcher, {machine = pid})
    otp.receive({go = true})
    if how == "kill" then otp.exit(pid, "kill") end
    otp.exit("shutdown")
  end, otp.self())
  local machine = otp.receive({machine = otp.any}).machine
  local mref = otp.monitor(machine)
  otp.send(parent, {go = true})
  otp.receive({tag = "DOWN", ref = pref})
  local down = otp.receive({tag = "DOWN", ref = mref}, 100)
  return down and down.reason or "alive"
end

sim.spawn("n", function()
  got.untrapped = start_under(false, "exit")
  got.killed = start_under(true, "kill")
  got.not_parent = start_under(true, "exit", true)
end)

E.check("no terminate: untrapped parent exit, kill; start's starter is not the parent", function()
  return log, {{"info", "EXIT"}}
end)
E.check("exit reasons", function()
  return got, {untrapped = "shutdown", killed = "killed", not_parent = "alive"}
end)
