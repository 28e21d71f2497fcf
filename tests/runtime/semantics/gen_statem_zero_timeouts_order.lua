-- gen_statem_zero_timeouts_order.lua
-- otp-semantics §4.1 step 6: "**Zero-time timeouts are not timers.** The timeout event is
-- enqueued **after already-queued events** [...]" and an event timeout is "cancelled by any
-- event, including postponed/inserted ones or a zero state timeout generated earlier."
-- Checked on OTP 25.2.3: [{state_timeout,0,st}, {timeout,0,ev}] → only st;
-- [{timeout,0,ev}, {state_timeout,0,st}] → ev then st; [{timeout,0,ev}, {next_event,...}] → only
-- the inserted event; a zero state timeout comes after an inserted event; a running event
-- timeout of 100 is cancelled by a zero state timeout event.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local M = {callback_mode = "handle_event_function"}
function M.init() return "ok", "s", nil end
function M.handle_event(ev, msg)
  if ev ~= "cast" then log[#log + 1] = {ev, msg}; return "keep_state_and_data" end
  log[#log + 1] = msg
  if msg == "st0_ev0" then return "keep_state_and_data", {{"state_timeout", 0, "st"}, {"timeout", 0, "ev"}} end
  if msg == "ev0_st0" then return "keep_state_and_data", {{"timeout", 0, "ev"}, {"state_timeout", 0, "st"}} end
  if msg == "ev0_insert" then
    return "keep_state_and_data", {{"timeout", 0, "ev"}, {"next_event", "internal", "ins"}}
  end
  if msg == "st0_insert" then
    return "keep_state_and_data", {{"state_timeout", 0, "st"}, {"next_event", "internal", "ins"}}
  end
  if msg == "ev100_st0" then
    return "keep_state_and_data", {{"timeout", 100, "ev"}, {"state_timeout", 0, "st"}}
  end
  if msg == "gen0_ev0" then
    return "keep_state_and_data", {{"generic_timeout", "g", 0, "gm"}, {"timeout", 0, "ev"}}
  end
  return "keep_state_and_data"
end

sim.spawn("n", function()
  local pid = otp.gen_statem.start(M)
  for _, m in ipairs({"st0_ev0", "ev0_st0", "ev0_insert", "st0_insert", "ev100_st0", "gen0_ev0"}) do
    otp.gen_statem.cast(pid, m)
    otp.sleep(200)
  end
end)

E.check("zero timeouts in action order, after queued events; a zero event timeout only first", function()
  return log, {
    "st0_ev0", {"state_timeout", "st"},
    "ev0_st0", {"timeout", "ev"}, {"state_timeout", "st"},
    "ev0_insert", {"internal", "ins"},
    "st0_insert", {"internal", "ins"}, {"state_timeout", "st"},
    "ev100_st0", {"state_timeout", "st"},
    "gen0_ev0", {{"timeout", "g"}, "gm"},
  }
end)
