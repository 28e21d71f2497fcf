-- supervisor_invalid_spec.lua
-- otp-semantics §3.1: "`init/1` sets `trap_exit` and calls `Mod:init`. The child specs are
-- validated. Any invalid spec → `{error,{start_spec,Why}}`, for example
-- `{bad_combination,[{restart,permanent},{significant,true}]}`. [RUN]" and §3.8:
-- "`significant => true` is invalid with `permanent` and invalid when `auto_shutdown = never`."
--
-- Each bad spec list is given to start_link (nothing is started: the good child before the bad
-- spec never runs) and to check_childspecs. Why is OTP's (supervisor.erl do_check_childspec):
-- significant is checked before the child type and the shutdown, and `auto_shutdown never` before
-- `permanent`, so a permanent significant child under auto_shutdown never reports the
-- auto_shutdown combination. check_childspecs(Specs) without an auto_shutdown passes `undefined`,
-- for which a non-permanent significant child is valid.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local started = 0
local function good()
  started = started + 1
  return otp.spawn_link(function() otp.receive() end)
end

local cases = {
  {name = "permanent significant (any_significant)", auto = "any_significant",
   spec = {id = "x", start = good, significant = true},
   why = {"bad_combination", {{"restart", "permanent"}, {"significant", true}}}},
  {name = "significant under auto_shutdown never", auto = "never",
   spec = {id = "x", start = good, restart = "transient", significant = true},
   why = {"bad_combination", {{"auto_shutdown", "never"}, {"significant", true}}}},
  {name = "permanent significant under auto_shutdown never", auto = "never",
   spec = {id = "x", start = good, significant = true},
   why = {"bad_combination", {{"auto_shutdown", "never"}, {"significant", true}}}},
  {name = "bad restart type", auto = "never",
   spec = {id = "x", start = good, restart = "sometimes"},
   why = {"invalid_restart_type", "sometimes"}},
  {name = "bad child type", auto = "never",
   spec = {id = "x", start = good, type = "manager"},
   why = {"invalid_child_type", "manager"}},
  {name = "negative shutdown", auto = "never",
   spec = {id = "x", start = good, shutdown = -1},
   why = {"invalid_shutdown", -1}},
  {name = "bad shutdown atom", auto = "never",
   spec = {id = "x", start = good, shutdown = "later"},
   why = {"invalid_shutdown", "later"}},
  {name = "significant not a boolean", auto = "any_significant",
   spec = {id = "x", start = good, restart = "temporary", significant = "yes"},
   why = {"invalid_significant", "yes"}},
  {name = "start is not a function", auto = "never",
   spec = {id = "x", start = 42},
   why = {"invalid_mfa", 42}},
  {name = "missing id", auto = "never",
   spec = {start = good},
   why = "missing_id"},
  {name = "missing start", auto = "never",
   spec = {id = "x"},
   why = "missing_start"},
}

local got, want = {}, {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  for _, c in ipairs(cases) do
    local sup, why = otp.supervisor.start_link({auto_shutdown = c.auto},
                                               {{id = "ok", start = good}, c.spec})
    otp.receive({tag = "EXIT"}, 0)
    got[c.name] = {start_link = {sup, why}, check = {otp.supervisor.check_childspecs({c.spec}, c.auto)}}
    want[c.name] = {start_link = {nil, {"start_spec", c.why}}, check = {nil, c.why}}
  end
  local sup, why = otp.supervisor.start_link({}, {{id = "d", start = good}, {id = "d", start = good}})
  otp.receive({tag = "EXIT"}, 0)
  got.duplicate = {sup, why}
  got.undefined_auto = {otp.supervisor.check_childspecs(
    {{id = "s", start = good, restart = "transient", significant = true}})}
  got.valid = {otp.supervisor.check_childspecs(
    {{id = "a", start = good}, {id = "b", start = {good, 1, 2}, restart = "temporary",
      shutdown = "brutal_kill", type = "supervisor"}})}
end)

for _, c in ipairs(cases) do
  E.check(c.name, function() return got[c.name], want[c.name] end)
end
E.check("duplicate ids: {start_spec, {duplicate_child_name, Id}}", function()
  return got.duplicate, {nil, {"start_spec", {"duplicate_child_name", "d"}}}
end)
E.check("check_childspecs without auto_shutdown accepts a transient significant child", function()
  return got.undefined_auto, {"ok"}
end)
E.check("valid specs: ok", function() return got.valid, {"ok"} end)
E.check("no child was started by a supervisor with a bad spec", function() return started, 0 end)
