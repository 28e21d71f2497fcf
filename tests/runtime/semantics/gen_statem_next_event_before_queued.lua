-- gen_statem_next_event_before_queued.lua
-- otp-semantics §4.1 step 5: "Insert `next_event` actions **before** already-queued events.
-- [RUN: inserted internal event handled before an already-queued cast]"
-- Case 1: the cast sits in the mailbox (queued while the machine is suspended) when the event
-- inserting `internal` is handled. Case 2: the engine's queue already holds replayed postponed
-- events: the inserted events still come first, in action order (checked on OTP 25.2.3).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}
local function note(x) log[#log + 1] = x end

local M = {callback_mode = "handle_event_function"}
function M.init() return "ok", "idle", nil end
function M.handle_event(ev, msg, state, data)
  if msg == "insert" then
    note("insert")
    return "keep_state_and_data", {{"next_event", "internal", "inserted"}}
  elseif msg == "to_busy" then
    return "next_state", "busy", data
  elseif msg == "idle_insert" then
    note("idle_insert")
    return "next_state", "idle", data, {{"next_event", "internal", "a"}, {"next_event", "internal", "b"}}
  elseif state == "busy" and type(msg) == "table" then
    return "keep_state_and_data", "postpone"
  end
  note({ev, msg})
  return "keep_state_and_data"
end

local mark
sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  otp.sys.suspend(pid)
  otp.gen_statem.cast(pid, "insert")
  otp.gen_statem.cast(pid, "queued")
  otp.sys.resume(pid)
  otp.sleep(10)
  mark = #log
  for _, m in ipairs({"to_busy", {"work", 1}, {"work", 2}, "idle_insert"}) do otp.gen_statem.cast(pid, m) end
  otp.sleep(10)
end)

E.check("the inserted event is handled before the queued cast", function()
  return {table.unpack(log, 1, mark)}, {"insert", {"internal", "inserted"}, {"cast", "queued"}}
end)
E.check("inserted events come before replayed postponed events, in action order", function()
  return {table.unpack(log, mark + 1)},
         {"idle_insert", {"internal", "a"}, {"internal", "b"}, {"cast", {"work", 1}}, {"cast", {"work", 2}}}
end)
