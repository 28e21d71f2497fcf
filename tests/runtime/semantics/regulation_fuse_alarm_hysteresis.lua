-- regulation_fuse_alarm_hysteresis.lua
-- otp-semantics §7.5 (fuse): "An alarm_handler alarm is raised on blow and cleared only after 3
-- consecutive ok asks (hysteresis)." The alarm is {Name, fuse_blown} on SASL's alarm_handler
-- (otp.alarm_handler: set_alarm(name, "fuse_blown"), clear_alarm(name)).
-- MaxR 0, reset 100: a melt at 0 blows the fuse and sets the alarm; the fuse heals at 100, two
-- ok asks do not clear it; a melt at 112 blows it again (no second alarm: it is still set) and
-- a blown ask restarts the count; after the heal at 212, the third consecutive ok ask (222)
-- clears it. alarm = false installs a fuse without alarms.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local alarms = {}
local trace = otp._trace
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "alarm" then alarms[#alarms + 1] = {otp.now(), a[2], a[4], a[6]} end
  return trace(kind, ...)
end

local got = {}
local function at(t) otp.sleep(t - otp.now()) end
local function active() return otp.alarm_handler.get_alarms() end

sim.spawn("n", function()
  otp.fuse.install("db", {max_r = 0, max_t = 1000, reset = 100})
  otp.fuse.install("quiet", {max_r = 0, max_t = 1000, reset = 100, alarm = false})
  otp.fuse.melt("quiet")
  got.quiet = otp.fuse.ask("quiet")
  otp.fuse.melt("db")
  got.blown = {otp.fuse.ask("db"), active()}
  at(110); got[110] = {otp.fuse.ask("db"), otp.fuse.ask("db"), active()}
  at(112); otp.fuse.melt("db"); got[112] = otp.fuse.ask("db")
  at(220); got[220] = otp.fuse.ask("db")
  at(221); got[221] = {otp.fuse.ask("db"), active()}
  at(222); got[222] = {otp.fuse.ask("db"), active()}
end)

sim.run{to = 1000}

E.check("the blow sets the alarm {db, fuse_blown}", function()
  return got.blown, {"blown", {{"db", "fuse_blown"}}}
end)
E.check("healed, the alarm survives ok asks until the third in a row", function()
  return {got[110], got[112], got[220], got[221], got[222]},
         {{"ok", "ok", {{"db", "fuse_blown"}}}, "blown", "ok", {"ok", {{"db", "fuse_blown"}}}, {"ok", {}}}
end)
E.check("one set (at the first blow) and one clear (at the third ok ask); none for alarm = false", function()
  return {alarms, got.quiet}, {{{0, "set", "db", "fuse_blown"}, {222, "clear", "db"}}, "blown"}
end)
