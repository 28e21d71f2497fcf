-- gen_statem_call_cast_info_events.lua
-- otp-semantics §4.1 "Other points": "Event types: `{call,From}`, `cast`, `info`, `timeout`,
-- `state_timeout`, `{timeout,Name}`, `internal`." §2.1 (shared wire protocol): "call:
-- `{'$gen_call', {CallerPid, Tag}, Request}`. cast: `{'$gen_cast', Msg}`. Anything else goes to"
-- the info handler.
-- In otpsim a call's event type is the table {"call", from} (from = {pid = caller, ref = tag});
-- cast and info are the strings "cast" and "info". cast always returns "ok", even to nobody.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "state_functions"}
function M.init() return "ok", "s", 0 end
function M.s(ev, msg, n)
  if type(ev) == "table" and ev[1] == "call" then
    log[#log + 1] = {"call", msg, ev[2].pid == msg.me}
    return "keep_state", n + 1, {{"reply", ev[2], {"got", msg.req, n}}}
  end
  log[#log + 1] = {ev, msg}
  return "keep_state", n + 1
end

local got = {}
sim.spawn("n", function()
  local me = otp.self()
  local pid = otp.gen_statem.start(M, nil, {name = "m"})
  got.cast = otp.gen_statem.cast("m", "c1")
  otp.send(pid, {"plain", 1})
  got.call = otp.gen_statem.call(pid, {me = me, req = "q"})
  got.cast_nobody = otp.gen_statem.cast("nobody", "x")
  got.cast_dead = otp.gen_statem.cast({"m", "nowhere"}, "x")
end)

E.check("events arrive as cast, info and {call, from}", function()
  return log, {{"cast", "c1"}, {"info", {"plain", 1}}, {"call", {me = E.ANY, req = "q"}, true}}
end)
E.check("the call returns the reply; cast returns ok", function()
  return got, {cast = "ok", call = {"got", "q", 2}, cast_nobody = "ok", cast_dead = "ok"}
end)
