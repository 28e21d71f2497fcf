-- load_sessions.lua
-- sim/load.h: a closed loop's session (Tsung's) is a fixed sequence of operations, each followed
-- by its own think time; a user picks a session by weight, runs its steps in order, thinks (the
-- load's think time), and picks again. Here one user and two sessions, "browse" (get, get) and
-- "buy" (get, put), weights 3:1, against a server that records what it is asked and when:
-- requests come in session order with the step pauses between them, and the mix follows the
-- weights.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})
local log = {}
local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_call(req, from, s) log[#log + 1] = {req, otp.now()}; return "reply", "ok", s end
sim.spawn("n", function() otp.gen_server.start(Srv, {}, {name = "srv"}); otp.receive() end)

sim.load{name = "shop", node = "n", users = 1, think = 1000, to = "400s",
  ops = {{name = "get", target = "srv", call = "get"}, {name = "put", target = "srv", call = "put"}},
  sessions = {{name = "browse", weight = 3, steps = {{op = "get", think = 10}, "get"}},
              {name = "buy", weight = 1, steps = {{op = "get", think = 20}, "put"}}}}
sim.run{duration = "400s"}

E.check("requests come in sessions: each pair has its step pause, then the session think", function()
  local bad = {}
  for i = 1, #log - 1, 2 do
    local a, b = log[i], log[i + 1]
    local gap = b[2] - a[2]
    local ok = a[1] == "get" and ((b[1] == "get" and gap == 10) or (b[1] == "put" and gap == 20))
    if not ok then bad[#bad + 1] = {i, a[1], b[1], gap} end
    if log[i + 2] and log[i + 2][2] - b[2] ~= 1000 then bad[#bad + 1] = {i, "think", log[i + 2][2] - b[2]} end
  end
  return bad, {}
end)
E.check("about 3 browse sessions for each buy", function()
  local puts = 0
  for _, r in ipairs(log) do if r[1] == "put" then puts = puts + 1 end end
  local sessions = #log // 2
  return puts / sessions, E.match_between(0.15, 0.35)
end)
