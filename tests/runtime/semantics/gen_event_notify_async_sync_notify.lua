-- gen_event_notify_async_sync_notify.lua
-- otp-semantics §4.2: "`notify` is async. `sync_notify` returns after all handlers have run."
-- Each handler takes 10 ms per event (it sleeps inside the manager). notify returns "ok" at
-- once, before any handler ran, and never fails for a pid, even a dead one; sync_notify
-- returns "ok" only when every handler has handled its event (and the earlier notify's, which
-- was queued first).
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local handled = {}

local function handler(name)
  local H = {name = name}
  function H.init() return "ok", name end
  function H.handle_event(ev, s)
    otp.sleep(10)
    handled[#handled + 1] = {ev, s, otp.now()}
    return "ok", s
  end
  return H
end

local got = {}

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  otp.gen_event.add_handler(mgr, handler("a"), nil)
  otp.gen_event.add_handler(mgr, handler("b"), nil)
  local t0 = otp.now()
  got.notify = otp.gen_event.notify(mgr, "async")
  got.notify_ms = otp.now() - t0
  got.handled_after_notify = #handled
  got.sync = otp.gen_event.sync_notify(mgr, "sync")
  got.sync_ms = otp.now() - t0
  got.handled_after_sync = #handled
  local dead = otp.spawn(function() end)
  otp.sleep(1)
  got.dead = otp.gen_event.notify(dead, "lost")
end)

E.check("notify returns ok at once, before any handler ran", function()
  return {got.notify, got.notify_ms, got.handled_after_notify}, {"ok", 0, 0}
end)
E.check("sync_notify returns ok after every handler ran (both events: 4 x 10 ms)", function()
  return {got.sync, got.sync_ms, got.handled_after_sync}, {"ok", 40, 4}
end)
E.check("the handlers ran in order, one after the other", function()
  return handled, {{"async", "b", 10}, {"async", "a", 20}, {"sync", "b", 30}, {"sync", "a", 40}}
end)
E.check("notify to a dead pid still returns ok", function() return got.dead, "ok" end)
