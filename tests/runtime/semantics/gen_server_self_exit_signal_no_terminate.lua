-- gen_server_self_exit_signal_no_terminate.lua
-- otp-semantics §2.6: terminate/2 "is **not** called when the server does not trap exits and
-- receives a lethal exit signal, nor when it is `kill`ed". exit(self(), R) inside a callback is
-- such a signal (§1.2 rows "not set | `kill` | any | receiver dies with killed" and "not set |
-- other R | no | dies with R"), not an exception the behaviour could catch: the server dies
-- with killed / R, without terminate. (Contrast: exit(R) — exit/1 — is an exception and does
-- run terminate; see gen_server_callback_error_terminate.lua.)
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_cast(r, s)
  otp.exit(otp.self(), r)
  return "noreply", s
end
function Srv.terminate(reason, s) log[#log + 1] = reason end

local down = {}

sim.spawn(function()
  for _, r in ipairs({"kill", "boom"}) do
    local pid = otp.gen_server.start(Srv)
    local ref = otp.monitor(pid)
    otp.gen_server.cast(pid, r)
    down[r] = otp.receive({tag = "DOWN", ref = ref}).reason
  end
end)

E.check("the server dies killed / boom", function() return down, {kill = "killed", boom = "boom"} end)
E.check("terminate is not called", function() return log, {} end)
