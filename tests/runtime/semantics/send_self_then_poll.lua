-- send_self_then_poll.lua
-- otp-semantics §1.1: "Signals that carry messages are appended to the end of the queue.
-- `receive` scans from the oldest message"; §1.2/§2.4 use `receive ... after 0` as the poll
-- ("`receive ... after 0` still finds them", §1.1). A message a process sends to itself is in
-- its own queue when send returns: in Erlang `self() ! a, receive X -> X after 0 -> none end`
-- always gives a. Same for an EXIT from exit(self(), R) while trapping (checked in
-- exit2_self_normal_trapped_message.lua with a blocking receive).
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  otp.send(otp.self(), "a")
  got[1] = otp.receive(0) or "none"
  otp.send(otp.self(), {k = "b"})
  got[2] = otp.receive({k = "b"}, 0) or "none"
  otp.process_flag("trap_exit", true)
  otp.exit(otp.self(), "boom")
  local m = otp.receive(0)
  got[3] = m and m.reason or "none"
end)

E.check("a message to self is found by an immediate receive after 0", function()
  return got, {"a", {k = "b"}, "boom"}
end)
