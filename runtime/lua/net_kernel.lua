-- net_kernel.lua — otp.connect_node and otp.ping on top of the runtime's otp._connect.
-- (net_kernel:connect_node/1 and net_adm:ping/1: both wait for the handshake to finish.)
local otp = ...

-- Sets up a connection to node if there is none, and waits for the outcome: true once the
-- connection is up, false if it could not be made (node down or unreachable: after the
-- handshake fails, at most net_setuptime).
function otp.connect_node(node)
  local r = otp._connect(node)
  if r ~= nil then return r end
  local m = otp.receive({tag = "$connect", node = node})
  return m.ok
end

-- "pong" if a connection to node is (or can be) set up, else "pang".
function otp.ping(node)
  return otp.connect_node(node) and "pong" or "pang"
end

return {connect_node = otp.connect_node, ping = otp.ping}
