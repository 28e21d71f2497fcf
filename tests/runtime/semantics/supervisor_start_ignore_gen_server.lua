-- supervisor_start_ignore_gen_server.lua
-- otp-semantics §3.1: "`ignore` → the spec is kept with `pid=undefined`, or **removed** if the
-- child is `temporary`." together with §2.5: a gen_server whose init returns `ignore` makes
-- start_link return `ignore`.
--
-- The usual OTP child start is gen_server:start_link; when the server's init returns ignore, the
-- supervisor sees `ignore` and keeps (or drops) the spec: it does not abort. In Lua,
-- otp.gen_server.start_link reports that as nil, "ignore", so a start function that returns
-- gen_server.start_link's results must count as ignore too.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local Ignoring = {init = function() return "ignore" end}
local Running = {init = function() return "ok", 0 end}

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup, why = otp.supervisor.start_link({strategy = "one_for_one"}, {
    {id = "kept", start = function() return otp.gen_server.start_link(Ignoring) end},
    {id = "dropped", start = function() return otp.gen_server.start_link(Ignoring) end,
     restart = "temporary"},
    {id = "running", start = function() return otp.gen_server.start_link(Running) end},
  })
  got.start = {otp.is_pid(sup), why}
  if sup then
    local which = otp.supervisor.which_children(sup)
    got.which = {}
    for i, c in ipairs(which) do got.which[i] = {c.id, otp.is_pid(c.pid) and "pid" or c.pid} end
  end
end)

E.check("start_link succeeds", function() return got.start, {true, nil} end)
E.check("the ignoring permanent child is kept undefined, the temporary one removed", function()
  return got.which, {{"running", "pid"}, {"kept", "undefined"}}
end)
