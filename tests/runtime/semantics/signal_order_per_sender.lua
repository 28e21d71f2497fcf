-- signal_order_per_sender.lua
-- otp-semantics §1.1: "**The only ordering guarantee** is per ordered sender→receiver pair. If
-- A sends S1 and then S2 to B, S1 never arrives after S2".
-- Two senders interleave in a seeded way, but each one's messages (and its exit signal, which
-- comes after them) must arrive in the order sent.
local E = require("lib.expect")

sim.node("n", {cores = 3})                      -- the senders run in parallel

local seq = {a = {}, b = {}}
local exit_after_msgs = {}

sim.spawn("n", function()
  local me = otp.self()
  otp.process_flag("trap_exit", true)
  for _, who in ipairs({"a", "b"}) do
    otp.spawn_link(function()
      for i = 1, 50 do
        otp.send(me, {who = who, i = i})
        if i % 10 == 0 then otp.work(0.01) end   -- uneven pacing between the two
      end
      otp.exit("done_" .. who)   -- the EXIT signal follows the 50 messages
    end)
  end
  local exits = 0
  while exits < 2 do
    local m = otp.receive()
    if m.tag == "EXIT" then
      exits = exits + 1
      local who = m.reason:sub(-1)
      exit_after_msgs[who] = #seq[who]
    else
      table.insert(seq[m.who], m.i)
    end
  end
end)

local want = {}
for i = 1, 50 do want[i] = i end

E.check("each sender's messages arrive in the order sent", function()
  return seq, {a = want, b = want}
end)
E.check("each sender's exit signal arrives after all its messages", function()
  return exit_after_msgs, {a = 50, b = 50}
end)
