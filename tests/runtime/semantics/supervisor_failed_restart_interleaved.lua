-- supervisor_failed_restart_interleaved.lua
-- otp-semantics §3.4: "the supervisor **casts itself** `{try_again_restart, Id}`. [...] While in
-- `restarting`, other messages, including shutdown requests, can be processed between retries."
--
-- Two supervisors (intensity 100) whose child w is killed at 1 s and then fails every start
-- attempt after 100 ms. Requests sent at 1.15 s are handled at 1.2 s, between the second and the
-- third attempt:
--   A: terminate_child(w) returns ok; w is left undefined and the retries stop (OTP's
--      try_again_restart only acts on a child still marked restarting); A lives on.
--   B: its parent exits shutdown; B stops at once with reason shutdown, without a third attempt.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function setup(label)
  local r = {attempts = {}}
  local child
  local failing = false
  r.start = function()
    if failing then
      r.attempts[#r.attempts + 1] = otp.now()
      otp.sleep(100)
      return nil, "no_resource"
    end
    child = otp.spawn_link(function() otp.receive() end)
    return child
  end
  sim.at(1000, function() failing = true; sim.kill(child, "boom") end)
  return r
end

local a, b = setup("A"), setup("B")

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 100},
                                        {{id = "w", start = a.start}})
  otp.sleep(1150)
  a.terminate = {otp.supervisor.terminate_child(sup, "w"), otp.now()}
  otp.sleep(1000)
  local which = otp.supervisor.which_children(sup)
  a.which = {which[1].id, which[1].pid}
  a.alive = otp.is_alive(sup)
end)

sim.spawn("n", function()
  local me = otp.self()
  otp.spawn(function()
    local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 100},
                                          {{id = "w", start = b.start}})
    otp.send(me, sup)
    otp.sleep(1150)
    otp.exit("shutdown")
  end)
  local sup = otp.receive()
  local ref = otp.monitor(sup)
  local down = otp.receive({tag = "DOWN", ref = ref})
  b.down = {down.reason, otp.now()}
end)

E.check("A: terminate_child between retries returns ok at 1.2 s", function()
  return a.terminate, {"ok", 1200}
end)
E.check("A: no more attempts after it; w undefined; A alive", function()
  return {a.attempts, a.which, a.alive}, {{1000, 1100}, {"w", "undefined"}, true}
end)
E.check("B: the parent's shutdown is handled between retries", function()
  return {b.attempts, b.down}, {{1000, 1100}, {"shutdown", 1200}}
end)
