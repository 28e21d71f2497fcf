-- regulation_fuse_circuit_disable.lua
-- otp-semantics §7.5 (fuse): "circuit_disable/circuit_enable override everything except
-- remove; re-installing does not re-enable a disabled fuse. Reinstalling resets state and
-- overwrites the options." "{fault_injection, Rate, MaxR, MaxT} also answers blown at random
-- with probability Rate." (fuse_server: disable blows the fuse and cancels its reset timer;
-- enable heals it and clears the melt history.)
-- Here a disabled fuse stays blown through its reset time, melts, a manual reset and a
-- reinstall; enable heals it with an empty history; reinstalling a blown (enabled) fuse heals
-- it with the new options; remove makes it unknown. fault_injection 1 always answers blown.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local events = {}
local trace = otp._trace
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[1] == "fuse" and a[2] == "f" then events[#events + 1] = a[4] end
  return trace(kind, ...)
end

local got = {}
local function at(t) otp.sleep(t - otp.now()) end

sim.spawn("n", function()
  local F = otp.fuse
  F.install("f", {max_r = 1, max_t = 1000, reset = 50})
  got.disable = {F.circuit_disable("f"), F.ask("f")}
  F.melt("f"); F.melt("f"); F.melt("f")
  at(200)
  got.after_reset_time = {F.ask("f"), F.info("f").reset_pending, #F.info("f").melts}
  got.manual_reset = {F.reset("f"), F.ask("f")}
  got.reinstall_disabled = {F.install("f", {max_r = 1, max_t = 1000, reset = 50}), F.ask("f")}
  got.enable = {F.circuit_enable("f"), F.ask("f"), #F.info("f").melts}
  F.melt("f"); F.melt("f")
  got.blown_again = F.ask("f")
  got.reinstall_blown = {F.install("f", {max_r = 5, max_t = 1000, reset = 50}), F.ask("f"),
                         F.info("f").max_r}
  got.remove = {F.remove("f"), {F.ask("f")}, {F.remove("f")}, {F.circuit_enable("f")}}
  F.install("chaos", {max_r = 10, max_t = 1000, reset = 50, fault_injection = 1})
  F.install("calm", {max_r = 10, max_t = 1000, reset = 50, fault_injection = 0})
  got.faults = {F.ask("chaos"), F.ask("chaos"), F.ask("calm")}
end)

sim.run{to = 1000}

E.check("disable blows the fuse", function() return got.disable, {"ok", "blown"} end)
E.check("disabled: no reset timer, still blown after the reset time; melts still counted", function()
  return got.after_reset_time, {"blown", false, 3}
end)
E.check("disabled: a manual reset does not heal it; neither does a reinstall", function()
  return {got.manual_reset, got.reinstall_disabled}, {{"ok", "blown"}, {"ok", "blown"}}
end)
E.check("enable heals it with an empty melt history", function()
  return {got.enable, got.blown_again}, {{"ok", "ok", 0}, "blown"}
end)
E.check("reinstalling an enabled, blown fuse heals it with the new options", function()
  return got.reinstall_blown, {"ok", "ok", 5}
end)
E.check("remove: then unknown", function()
  return got.remove, {"ok", {nil, "not_found"}, {nil, "not_found"}, {nil, "not_found"}}
end)
E.check("fault_injection 1 always blown, 0 never", function()
  return got.faults, {"blown", "blown", "ok"}
end)
E.check("traced: installed, blown, disable, ..., enable, melts, blown, removed", function()
  return events, {"installed", "blown", "disable", "reject", "melt", "melt", "melt", "reject", "reset",
                  "reject", "installed", "reject", "enable", "melt", "melt", "blown", "reject",
                  "installed", "removed"}
end)
