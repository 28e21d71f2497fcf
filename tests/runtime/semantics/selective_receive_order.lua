-- selective_receive_order.lua
-- otp-semantics §1.1: "Signals that carry messages are appended to the end of the queue.
-- `receive` scans from the oldest message and takes the **first message that matches any
-- clause**; the others keep their order. [RUN `selective_receive`: queue a,b,c, receive b, then
-- a and c come out FIFO]"
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  local me = otp.self()
  -- one sender, so a, b, c are queued in this order before the receiver looks
  otp.spawn(function()
    otp.send(me, {k = "a"})
    otp.send(me, {k = "b"})
    otp.send(me, {k = "c"})
    otp.send(me, {k = "done"})
  end)
  otp.receive({k = "done"})                  -- all four are queued now; takes only 'done'
  got[#got + 1] = otp.receive({k = "b"}).k   -- the first match, though not the oldest
  got[#got + 1] = otp.receive().k            -- then FIFO: a ...
  got[#got + 1] = otp.receive().k            -- ... c
  got[#got + 1] = otp.receive(0) or "empty"  -- nothing else left
  -- a predicate function selects the same way
  otp.send(me, 1); otp.send(me, 2); otp.send(me, 3)
  got[#got + 1] = otp.receive(function(m) return m % 2 == 0 end)
  got[#got + 1] = otp.receive()
  got[#got + 1] = otp.receive()
end)

E.check("queue a,b,c: receive b, then a and c in FIFO order", function()
  return got, {"b", "a", "c", "empty", 2, 1, 3}
end)
