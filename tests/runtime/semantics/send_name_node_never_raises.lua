-- send_name_node_never_raises.lua
-- otp-semantics §1.6: "Sending to `{Name, Node}` or a remote pid never raises, even when the
-- node is unreachable. [RUN]" Here: an unregistered name on this node, on another node and on a
-- node that does not exist, and a dead remote pid; the message is dropped. A registered
-- {Name, Node} is delivered.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local got = {}

sim.spawn("n1", function()
  local remote_dead, ref = otp.spawn_monitor("n2", function() end)
  otp.receive({tag = "DOWN", ref = ref})
  got.local_unknown = {pcall(otp.send, {"nobody", "n1"}, "x")}
  got.remote_unknown = {pcall(otp.send, {"nobody", "n2"}, "x")}
  got.no_such_node = {pcall(otp.send, {"nobody", "no_such_node"}, "x")}
  got.remote_dead_pid = {pcall(otp.send, remote_dead, "x")}
  local me = otp.self()
  otp.spawn("n2", function()
    otp.register("echo", otp.self())
    local m = otp.receive()
    otp.send(m.from, {echo = m.msg})
  end)
  otp.sleep(1)
  otp.send({"echo", "n2"}, {from = me, msg = "hi"})
  got.reply = otp.receive(100) or "nothing"
end)

E.check("sends to {Name, Node} and remote pids do not raise", function()
  return got, {local_unknown = {true, "x"}, remote_unknown = {true, "x"},
               no_such_node = {true, "x"},
               remote_dead_pid = {true, "x"}, reply = {echo = "hi"}}
end)
