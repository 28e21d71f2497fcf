-- gen_server_callback_error_terminate.lua
-- otp-semantics §2.6: "terminate/2 is called [...] 2. A callback raised. The reason is `{R,Stack}`
-- for `error`, R for `exit`." and "The process exit reason is R." For handle_cast, handle_info
-- and handle_continue; a Lua error gives {message, traceback}, otp.exit(R) gives R.
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init(name) return "ok", name end
function Srv.handle_cast(m, s)
  if m == "error" then error("cast failed") end
  otp.exit({"cast_exit", s})
end
function Srv.handle_info(m, s) error("info failed") end
function Srv.handle_call(req, from, s) return "reply", "ok", s, {continue = "boom"} end
function Srv.handle_continue(c, s) error("continue failed") end
function Srv.terminate(reason, s) log[s] = reason end

local down = {}

sim.spawn(function()
  local function run(name, poke)
    local pid = otp.gen_server.start(Srv, name)
    local ref = otp.monitor(pid)
    poke(pid)
    down[name] = otp.receive({tag = "DOWN", ref = ref}).reason
  end
  run("cast_error", function(p) otp.gen_server.cast(p, "error") end)
  run("cast_exit", function(p) otp.gen_server.cast(p, "exit") end)
  run("info_error", function(p) otp.send(p, "hello") end)
  run("continue_error", function(p) otp.gen_server.call(p, "go") end)
end)

local want = {
  cast_error = E.match_error("cast failed"),
  cast_exit = {"cast_exit", "cast_exit"},
  info_error = E.match_error("info failed"),
  continue_error = E.match_error("continue failed"),
}

E.check("terminate gets the reason", function() return log, want end)
E.check("the server exits with the same reason", function() return down, want end)
