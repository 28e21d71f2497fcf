-- gen_event_parent_exit_terminate_stop.lua
-- otp-semantics §4.2: "If the manager's parent sends `EXIT R`, handlers get
-- `terminate(stop,S)` and the manager exits with R."
-- The parent is the process that called start_link. When it dies with R the handlers get
-- terminate("stop", state) — even one the parent itself supervises (not {"stop", R}: the parent's
-- EXIT is handled first) — and the manager exits with R. For a manager made with start (no
-- parent but itself), an EXIT from its starter is an ordinary info.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local H = {name = "h"}
function H.init(arg) return "ok", arg end
function H.handle_info(m, s) log[#log + 1] = {s, "info", m.tag, m.reason}; return "ok", s end
function H.terminate(arg, s) log[#log + 1] = {s, "terminate", arg} end

local got = {}

sim.spawn("n", function()
  local me = otp.self()
  local parent = otp.spawn(function()
    local mgr = otp.gen_event.start_link()
    otp.gen_event.add_handler(mgr, {H, "plain"}, "plain")
    otp.gen_event.add_sup_handler(mgr, {H, "by_parent"}, "by_parent")
    otp.send(me, {mgr = mgr})
    otp.receive(function(m) return m == "die" end)
    otp.exit("parent_died")
  end)
  local mgr = otp.receive({mgr = otp.any}).mgr
  local ref = otp.monitor(mgr)
  otp.send(parent, "die")
  got.down = otp.receive({tag = "DOWN", ref = ref}, 100).reason
  got.at_down = {table.unpack(log)}

  local starter = otp.spawn(function()
    local m2 = otp.gen_event.start()
    otp.link(m2)
    otp.gen_event.add_handler(m2, {H, "unlinked_start"}, "unlinked_start")
    otp.send(me, {mgr = m2})
    otp.exit("starter_died")
  end)
  local m2 = otp.receive({mgr = otp.any}).mgr
  otp.sleep(10)
  got.m2_alive = otp.is_alive(m2)
  got.starter = starter
end)

E.check("parent EXIT R: terminate(stop) for each handler, then the manager exits with R", function()
  return {got.at_down, got.down},
         {{{"by_parent", "terminate", "stop"}, {"plain", "terminate", "stop"}}, "parent_died"}
end)
E.check("started with start: the starter's EXIT is an info and the manager lives", function()
  return {log[3], got.m2_alive}, {{"unlinked_start", "info", "EXIT", "starter_died"}, true}
end)
