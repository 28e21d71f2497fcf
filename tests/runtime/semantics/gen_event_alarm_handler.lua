-- gen_event_alarm_handler.lua
-- otp-semantics §4.2: "The book uses gen_event plus `alarm_handler` for overload alarms
-- (`set_alarm`/`clear_alarm`; see `ch7/freq_overload.erl`)". SASL's alarm_handler (OTP 25,
-- observed): set_alarm adds {Id, Description} in front even if Id is already set; clear_alarm
-- removes the newest alarm with that Id (lists:keydelete); get_alarms lists newest first.
-- otpsim: a manager registered as "alarm_handler", started by the first use on a node; every
-- set and clear is an "alarm" trace event (op, id, description) and bumps the run's metrics
-- counter alarms_set or alarms_cleared — watched here by wrapping otp._trace and otp._count. A
-- handler added with add_alarm_handler sees the same events.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local traced = {}
local trace = otp._trace
otp._trace = function(kind, ...)
  if kind == "alarm" then traced[#traced + 1] = {...} end
  return trace(kind, ...)
end

local counted = {}
local count = otp._count
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local Watcher = {name = "watcher"}
function Watcher.init(args) return "ok", {args} end
function Watcher.handle_event(ev, s) s[#s + 1] = ev; return "ok", s end
function Watcher.handle_call(_, s) return "ok", s, s end

local got = {}

sim.spawn("n", function()
  got.before = otp.whereis("alarm_handler") or "none"
  otp.alarm_handler.set_alarm("disk", "90% full")
  got.mgr = otp.whereis("alarm_handler")
  otp.alarm_handler.set_alarm("disk", "95% full")
  otp.alarm_handler.set_alarm({"overload", "freq"}, {queue = 40})
  got.three = otp.alarm_handler.get_alarms()
  got.add = otp.alarm_handler.add_alarm_handler(Watcher, "w")
  otp.alarm_handler.clear_alarm("disk")
  otp.alarm_handler.clear_alarm("never_set")
  got.after_clear = otp.alarm_handler.get_alarms()
  got.watcher = otp.gen_event.call("alarm_handler", Watcher, "get")
  got.start_again = {otp.alarm_handler.start()}
  got.handlers = otp.gen_event.which_handlers("alarm_handler")
end)

E.check("started on first use, registered as alarm_handler", function()
  return {got.before, otp.is_pid(got.mgr)}, {"none", true}
end)
E.check("set_alarm adds in front, even for an id already set", function()
  return got.three, {{{"overload", "freq"}, {queue = 40}}, {"disk", "95% full"}, {"disk", "90% full"}}
end)
E.check("clear_alarm removes the newest with that id; an unknown id changes nothing", function()
  return got.after_clear, {{{"overload", "freq"}, {queue = 40}}, {"disk", "90% full"}}
end)
E.check("every set and clear is an alarm trace event", function()
  return traced, {
    {"op", "set", "id", "disk", "description", "90% full"},
    {"op", "set", "id", "disk", "description", "95% full"},
    {"op", "set", "id", {"overload", "freq"}, "description", {queue = 40}},
    {"op", "clear", "id", "disk"},
    {"op", "clear", "id", "never_set"},
  }
end)
E.check("the metrics count 3 sets and 2 clears", function()
  return counted, {alarms_set = 3, alarms_cleared = 2}
end)
E.check("an added alarm handler sees the events", function()
  return {got.add, got.watcher}, {"ok", {"w", {"clear_alarm", "disk"}, {"clear_alarm", "never_set"}}}
end)
E.check("start when running: already_started; the default handler is installed", function()
  return {got.start_again, got.handlers},
         {{nil, {"already_started", got.mgr}}, {Watcher, otp.alarm_handler.handler}}
end)
