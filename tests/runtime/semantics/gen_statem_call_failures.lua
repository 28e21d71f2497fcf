-- gen_statem_call_failures.lua
-- otp-semantics §4.1: "`gen_statem:call` with a timeout: locally it is alias-based like
-- gen_server." §2.2: the caller exits {timeout, ..} and "That late reply is dropped (alias
-- deactivated): the caller's mailbox is empty."; "target pid already dead | {noproc, ..}";
-- "target exits **normally** without replying | {normal, ..}". The reasons name
-- {gen_statem, call, [Ref, Req, Timeout]}. gen_statem:call/2 (no timeout) waits forever (stdlib
-- gen_statem.erl: call(ServerRef, Request) -> call(ServerRef, Request, infinity)).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local M = {callback_mode = "state_functions"}
function M.init() return "ok", "s", nil end
function M.s(ev, msg)
  if ev[1] ~= "call" then return "keep_state_and_data" end
  if msg == "slow" then otp.sleep(1000); return "keep_state_and_data", {"reply", ev[2], "late"} end
  if msg == "very_slow" then otp.sleep(10000); return "keep_state_and_data", {"reply", ev[2], "patient"} end
  if msg == "quit" then return "stop", "normal" end
end

local got = {}
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M, nil, {name = "m"})
  got.timeout = E.catch(otp.gen_statem.call, "m", "slow", 100)
  otp.sleep(2000)
  got.mailbox = otp.process_info().message_queue_len
  got.default_infinity = otp.gen_statem.call(pid, "very_slow")
  got.normal = E.catch(otp.gen_statem.call, pid, "quit")
  got.noproc = E.catch(otp.gen_statem.call, pid, "x", 100)
  got.noname = E.catch(otp.gen_statem.call, "m", "x")
end)

E.check("call failures", function()
  return got, {
    timeout = {"exit", {"timeout", {"gen_statem", "call", {"m", "slow", 100}}}},
    mailbox = 0, default_infinity = "patient",
    normal = {"exit", {"normal", {"gen_statem", "call", {E.ANY, "quit", "infinity"}}}},
    noproc = {"exit", {"noproc", {"gen_statem", "call", {E.ANY, "x", 100}}}},
    noname = {"exit", {"noproc", {"gen_statem", "call", {"m", "x", "infinity"}}}},
  }
end)
