-- gen_server_continue_from_init.lua
-- otp-semantics §2.5: "`{ok,S}` / `{ok,S,T|hibernate|{continue,C}}` → `{ok,Pid}`" and §2.4
-- "`{continue, C}` runs `handle_continue(C, S)` **immediately**, before any queued message":
-- start returns the pid once init returned, and handle_continue runs before a message that
-- was queued while init ran.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local Srv = {}
function Srv.init()
  otp.sleep(50)                                  -- a message arrives meanwhile
  log[#log + 1] = "init"
  return "ok", {}, {continue = "warmup"}
end
function Srv.handle_continue(c, s) log[#log + 1] = "continue " .. c; return "noreply", s end
function Srv.handle_info(m, s) log[#log + 1] = "info " .. m; return "noreply", s end
function Srv.handle_call(req, from, s) return "reply", req, s end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv, nil, {name = "srv"})
  got.start = {otp.is_pid(pid), otp.now()}
  got.call = otp.gen_server.call(pid, "sync")
end)
sim.spawn("n", function()
  otp.sleep(10)
  otp.send("srv", "early")                       -- t=10, while init sleeps
end)

E.check("start returns the pid at t=50, after init", function()
  return got, {start = {true, 50}, call = "sync"}
end)
E.check("handle_continue before the message queued during init", function()
  return log, {"init", "continue warmup", "info early"}
end)
