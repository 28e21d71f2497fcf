-- gen_event_swap_supervision_moves.lua
-- otp-semantics §4.2: "A supervised connection moves to H2."
-- swap_handler of a handler supervised by S: S gets {"swapped", H2, S} for H1, and later H2's
-- own gen_event_EXIT. swap_sup_handler from another process T: S gets {"swapped", H2, T}, and
-- T, not S, supervises H2. A swap returned by handle_event keeps the supervisor too.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local H = {name = "h"}
function H.init(arg) return "ok", arg end
function H.handle_event(ev, s)
  if ev == "swap_c" and s == "c" then return "swap_handler", nil, s, {H, "c2"}, "c2" end
  return "ok", s
end

local got = {}

local function exits()
  local msgs = {}
  while true do
    local m = otp.receive({tag = "gen_event_EXIT"}, 0)
    if not m then return msgs end
    msgs[#msgs + 1] = {m.handler[2], m.reason}
  end
end

sim.spawn("n", function()
  local mgr = otp.gen_event.start()
  local s = otp.self()
  got.s = s
  otp.gen_event.add_sup_handler(mgr, {H, "a"}, "a")
  otp.gen_event.add_sup_handler(mgr, {H, "b"}, "b")
  otp.gen_event.add_sup_handler(mgr, {H, "c"}, "c")
  otp.gen_event.swap_handler(mgr, {{H, "a"}, nil}, {{H, "a2"}, nil})
  local t = otp.spawn(function()
    got.t_swap = otp.gen_event.swap_sup_handler(mgr, {{H, "b"}, nil}, {{H, "b2"}, nil})
    otp.send(s, "swapped")
    otp.sleep(50)
    got.t_msgs = exits()
  end)
  got.t = t
  otp.receive(function(m) return m == "swapped" end)
  otp.gen_event.sync_notify(mgr, "swap_c")
  for _, id in ipairs({"a2", "b2", "c2"}) do otp.gen_event.delete_handler(mgr, {H, id}, nil) end
  got.s_msgs = exits()
end)

E.check("S: swapped for a (to S), b (to T) and c (to S); then normal for a2 and c2", function()
  return got.s_msgs, {
    {"a", {"swapped", {H, "a2"}, got.s}},
    {"b", {"swapped", {H, "b2"}, got.t}},
    {"c", {"swapped", {H, "c2"}, got.s}},
    {"a2", "normal"},
    {"c2", "normal"},
  }
end)
E.check("T supervises b2: it gets b2's gen_event_EXIT", function()
  return {got.t_swap, got.t_msgs}, {"ok", {{"b2", "normal"}}}
end)
