-- gen_event_stop_terminate_stop.lua
-- otp-semantics §4.2: "On `gen_event:stop`, each handler gets `terminate(stop, S)`." and §2.6
-- "`gen_server:stop(Ref, R, T)` uses `proc_lib:stop` ... returns `ok` only if the process
-- exits with R."
-- Every handler, newest first, gets terminate("stop", state); stop returns "ok" and the manager
-- exits with the reason (normal by default). Its supervising processes get "shutdown" and are
-- unlinked first, so a stop with an abnormal reason does not kill them.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local terms = {}

local H = {name = "h"}
function H.init(arg) return "ok", arg end
function H.terminate(arg, s) terms[#terms + 1] = {s, arg} end

local got = {}

sim.spawn("n", function()
  local m1 = otp.gen_event.start()
  for _, id in ipairs({"first", "second", "third"}) do otp.gen_event.add_handler(m1, {H, id}, id) end
  local ref1 = otp.monitor(m1)
  got.stop = otp.gen_event.stop(m1)
  got.down1 = otp.receive({tag = "DOWN", ref = ref1}, 0).reason

  local sup = otp.spawn(function()
    local m2 = otp.gen_event.start({name = "m2"})
    otp.gen_event.add_sup_handler(m2, {H, "sup"}, "sup")
    local m = otp.receive({tag = "gen_event_EXIT"})
    got.sup_msg = {m.handler[2], m.reason}
    otp.sleep(10)
    got.sup_alive_after = true
  end)
  otp.sleep(1)
  local m2 = otp.whereis("m2")
  local ref2 = otp.monitor(m2)
  got.stop2 = otp.gen_event.stop(m2, {"shutdown", "maintenance"})
  got.down2 = otp.receive({tag = "DOWN", ref = ref2}, 0).reason
  otp.sleep(20)
  got.sup_dead = not otp.is_alive(sup)
end)

E.check("each handler, newest first, gets terminate(stop)", function()
  return terms, {{"third", "stop"}, {"second", "stop"}, {"first", "stop"}, {"sup", "stop"}}
end)
E.check("stop returns ok; the manager exits with the reason", function()
  return {got.stop, got.down1, got.stop2, got.down2},
         {"ok", "normal", "ok", {"shutdown", "maintenance"}}
end)
E.check("the supervisor got shutdown and was not killed by the manager's exit", function()
  return {got.sup_msg, got.sup_alive_after, got.sup_dead}, {{"sup", "shutdown"}, true, true}
end)
