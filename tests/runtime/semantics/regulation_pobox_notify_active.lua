-- regulation_pobox_notify_active.lua
-- otp-semantics §7.4 (pobox) states, owner-driven:
--   "passive: accumulate and drop. notify: send {mail, Box, new_data} once when data exists,
--   then go passive. initial_state defaults to notify. active (pobox:active(Box, FilterFun,
--   FilterState)): send everything as {mail, Box, Msgs, Count, DropCount}, then go passive. The
--   filter returns {{ok,M},S} | {drop,S} | skip." (in Lua: "ok", m, s | "drop", s | "skip")
--   "The box links to its owner and does not trap exits."
-- Here: a default (notify) box notifies once for the first post and then stays quiet; active
-- delivers what it holds; active on an empty box waits and delivers the next post at once;
-- notify on a box with data notifies at once, on an empty one at the next post; a filter
-- keeps, drops and stops (skip leaves the rest in the box); {tag = "post"} messages post too;
-- the owner's death kills the box.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local got = {}

-- everything the owner has received so far (the box has handled what was sent before, as
-- an info call to it is answered after them)
local function inbox(box)
  local st = otp.pobox.info(box).state
  local msgs = {}
  while true do
    local m = otp.receive(0)
    if m == nil then break end
    m.box = (m.box == box) and "box" or m.box
    msgs[#msgs + 1] = m
  end
  return {st, msgs}
end

sim.spawn("n", function()
  local box = otp.pobox.start_link(otp.self(), {max = 10})
  got.initial = inbox(box)
  otp.pobox.post(box, "a")
  otp.pobox.post(box, "b")
  got.notified_once = inbox(box)
  otp.pobox.active(box)
  got.active = inbox(box)
  otp.pobox.active(box)                               -- nothing there: stays active
  got.active_empty = inbox(box)
  otp.pobox.post(box, "c")
  got.active_then_post = inbox(box)
  otp.pobox.post(box, "d")
  otp.pobox.notify(box)                               -- data: notify at once
  got.notify_with_data = inbox(box)
  otp.pobox.active(box)
  inbox(box)
  otp.pobox.notify(box)                               -- empty: wait in notify
  got.notify_empty = inbox(box)
  otp.send(box, {tag = "post", msg = "e"})            -- Box ! {post, Msg}
  got.notify_then_post = inbox(box)

  for i = 1, 5 do otp.pobox.post(box, i) end
  local function filter(m, dropped)
    if type(m) == "string" then return "ok", m, dropped end    -- "e", still in the box
    if m > 3 then return "skip" end
    if m % 2 == 0 then return "drop", dropped + 1 end
    return "ok", m * 10, dropped
  end
  otp.pobox.active(box, filter, 0)
  got.filtered = inbox(box)
  local left = otp.pobox.info(box)
  got.left = {left.contents, left.state}
end)

-- the owner dies: so does its box
local box_down
sim.spawn("n", function()
  local owner = otp.spawn(function() otp.receive() end)
  local box = otp.pobox.start(owner, {max = 1})
  local ref = otp.monitor(box)
  otp.exit(owner, "boom")
  box_down = otp.receive({tag = "DOWN", ref = ref}).reason
end)

E.check("a new box starts in notify and has sent nothing", function()
  return got.initial, {"notify", {}}
end)
E.check("notify: one new_data for the first post, then passive and quiet", function()
  return got.notified_once, {"passive", {{tag = "mail", box = "box", new_data = true}}}
end)
E.check("active: everything held, as {msgs, count, drops}; then passive", function()
  return got.active, {"passive", {{tag = "mail", box = "box", msgs = {"a", "b"}, count = 2, drops = 0}}}
end)
E.check("active on an empty box waits, and delivers the next post at once", function()
  return {got.active_empty, got.active_then_post},
         {{"active", {}}, {"passive", {{tag = "mail", box = "box", msgs = {"c"}, count = 1, drops = 0}}}}
end)
E.check("notify with data notifies at once; on an empty box at the next post", function()
  return {got.notify_with_data, got.notify_empty, got.notify_then_post},
         {{"passive", {{tag = "mail", box = "box", new_data = true}}},
          {"notify", {}},
          {"passive", {{tag = "mail", box = "box", new_data = true}}}}
end)
E.check("a filter keeps (ok), drops (counted in drops) and stops (skip)", function()
  return {got.filtered, got.left},
         {{"passive", {{tag = "mail", box = "box", msgs = {"e", 10, 30}, count = 3, drops = 1}}},
          {{4, 5}, "passive"}}
end)
E.check("the box is linked to its owner and does not trap exits", function()
  return box_down, "boom"
end)
