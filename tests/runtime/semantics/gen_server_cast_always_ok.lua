-- gen_server_cast_always_ok.lua
-- otp-semantics §2.3: "Always returns `ok`, even if the destination or node does not exist.
-- Delivery is fire-and-forget." A live server gets it in handle_cast.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local casts = {}

local Srv = {}
function Srv.init() return "ok", nil end
function Srv.handle_cast(msg, s) casts[#casts + 1] = msg; return "noreply", s end

local got = {}

sim.spawn("n1", function()
  local pid = otp.gen_server.start(Srv, nil, {name = "srv"})
  local dead = otp.spawn(function() end)
  otp.sleep(1)
  got[1] = otp.gen_server.cast(pid, "to_pid")
  got[2] = otp.gen_server.cast("srv", "to_name")
  got[3] = otp.gen_server.cast({"srv", "n1"}, "to_name_node")
  got[4] = otp.gen_server.cast(dead, "to_dead")
  got[5] = otp.gen_server.cast("nobody", "to_unregistered")
  got[6] = otp.gen_server.cast({"srv", "n2"}, "to_other_node_no_such_name")
  got[7] = otp.gen_server.cast({"srv", "no_such_node"}, "to_missing_node")
  otp.sleep(10)
  otp.gen_server.stop(pid)
end)

E.check("cast always returns ok", function()
  return got, {"ok", "ok", "ok", "ok", "ok", "ok", "ok"}
end)
E.check("the live server got its casts, in order", function()
  return casts, {"to_pid", "to_name", "to_name_node"}
end)
