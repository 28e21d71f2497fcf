-- regulation_pobox_policies.lua
-- otp-semantics §7.4 (pobox): "The box holds at most `max` messages and drops the rest by
-- policy: queue: keeps the newest; drops the oldest. Input a..e with size 3 → [c,d,e].
-- keep_old: keeps the oldest and rejects new ones → [a,b,c]. stack: LIFO, drops the top →
-- [e,b,a]." Each box is passive; after the five posts the owner makes it active and receives
-- {tag = "mail", box = pid, msgs = ..., count = 3, drops = 2}. resize to a smaller max drops
-- by the same policy. Every overflow drop is a "regulator" trace event (box = name, event
-- drop, policy) and counts in pobox.<name>.dropped.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local drops, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[1] == "box" then drops[#drops + 1] = {a[2], a[4], a[6], a[8]} end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local got = {}

sim.spawn("n", function()
  for _, policy in ipairs({"queue", "keep_old", "stack"}) do
    local box = otp.pobox.start_link(otp.self(), {max = 3, type = policy, name = policy,
                                                  initial_state = "passive"})
    for _, m in ipairs({"a", "b", "c", "d", "e"}) do otp.pobox.post(box, m) end
    otp.pobox.active(box)
    local mail = otp.receive({tag = "mail", box = box})
    got[policy] = {mail.msgs, mail.count, mail.drops, otp.pobox.info(box).state}
  end
  -- resize: queue drops the oldest, keep_old the newest, stack the top
  for _, policy in ipairs({"queue", "keep_old", "stack"}) do
    local box = otp.pobox.start_link(otp.self(), {max = 3, type = policy,
                                                  initial_state = "passive"})
    for _, m in ipairs({"a", "b", "c"}) do otp.pobox.post(box, m) end
    otp.pobox.resize(box, 2)
    otp.pobox.active(box)
    local mail = otp.receive({tag = "mail", box = box})
    got["resize_" .. policy] = {mail.msgs, mail.drops}
  end
end)

E.check("queue keeps the newest: a..e into 3 → c, d, e", function()
  return got.queue, {{"c", "d", "e"}, 3, 2, "passive"}
end)
E.check("keep_old keeps the oldest: a..e into 3 → a, b, c", function()
  return got.keep_old, {{"a", "b", "c"}, 3, 2, "passive"}
end)
E.check("stack drops the top: a..e into 3 → e, b, a", function()
  return got.stack, {{"e", "b", "a"}, 3, 2, "passive"}
end)
E.check("resize to 2 drops by policy", function()
  return {got.resize_queue, got.resize_keep_old, got.resize_stack},
         {{{"b", "c"}, 1}, {{"a", "b"}, 1}, {{"b", "a"}, 1}}
end)
E.check("each overflow drop is traced and counted", function()
  return {#drops, drops[1], drops[3], drops[5], counted["pobox.queue.dropped"],
          counted["pobox.keep_old.dropped"], counted["pobox.stack.dropped"]},
         {9, {"queue", "drop", "queue", 1}, {"keep_old", "drop", "keep_old", 1},
          {"stack", "drop", "stack", 1}, 2, 2, 2}
end)
