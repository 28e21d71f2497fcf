-- otp-semantics §5: application:start(App) checks that the applications it depends on already
-- run, otherwise returns {error, {not_started, Dep}}; it does not start them (ensure_all_started
-- does). get_env/set_env read and write the application's environment.
local E = require("lib.expect")
local function top() return otp.supervisor.start_link({}, {}) end
otp.application.define{name = "base", start = top, env = {pool = 10}}
otp.application.define{name = "api", start = top, applications = {"base"}}
otp.application.define{name = "edge", start = top, applications = {"api"}}

local r = {}
sim.node("n", {instr_ns = 0, boot = function()
  r.api = {otp.application.start("api")}
  r.edge = {otp.application.ensure_all_started("edge")}
  r.which = otp.application.which_applications()
  r.again = {otp.application.start("base")}
  r.env = otp.application.get_env("base", "pool")
  otp.application.set_env("base", "pool", 20)
  r.env2 = otp.application.get_env("base", "pool")
  r.missing = otp.application.get_env("base", "nope", "dflt")
end})
sim.run{duration = "1s"}

E.check("start refuses a missing dependency", function() return r.api, {nil, {"not_started", "base"}} end)
E.check("ensure_all_started starts the chain, dependencies first", function()
  return {r.edge, r.which}, {{"ok"}, {{"edge", "edge", "1"}, {"api", "api", "1"}, {"base", "base", "1"}}}
end)
E.check("starting twice", function() return r.again, {nil, {"already_started", "base"}} end)
E.check("environment", function() return {r.env, r.env2, r.missing}, {10, 20, "dflt"} end)
