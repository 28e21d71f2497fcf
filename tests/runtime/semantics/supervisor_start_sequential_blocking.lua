-- supervisor_start_sequential_blocking.lua
-- otp-semantics §3.1: "Children start **sequentially, left to right, synchronously** inside the
-- supervisor's `init`. [SRC 381] A slow child start blocks the supervisor: no calls and no
-- `EXIT`s are processed meanwhile."
--
-- Children a, b (its init takes 500 ms), c. A call to the (registered) supervisor at t=100 and a
-- crash of a at t=200 both wait until init is over at t=500: the call is answered first (it
-- arrived first), with a still listed under its dead pid; then the EXIT restarts a. start_link
-- returns at t=500.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local function child(id, init_ms)
  return function()
    local W = {}
    function W.init()
      log[#log + 1] = {"init " .. id, otp.now()}
      if init_ms then otp.sleep(init_ms) end
      return "ok", id
    end
    local pid, why = otp.gen_server.start_link(W)
    log[#log + 1] = {"started " .. id, otp.now()}
    pids[id] = pid
    return pid, why
  end
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 5}, {
    {id = "a", start = child("a")},
    {id = "b", start = child("b", 500)},
    {id = "c", start = child("c")},
  }, {name = "sup"})
  got.start_link_returned = otp.now()
  got.sup = sup
  otp.receive()
end)

sim.spawn("n", function()
  otp.sleep(100)
  got.which = otp.supervisor.which_children("sup")
  got.call_answered = otp.now()
end)

sim.at(200, function()
  got.a_killed = pids.a
  log[#log + 1] = {"kill a", sim.now()}
  sim.kill(pids.a, "boom")
end)

E.check("children start left to right; the EXIT of a is handled only after init", function()
  return log, {{"init a", 0}, {"started a", 0}, {"init b", 0}, {"kill a", 200}, {"started b", 500},
               {"init c", 500}, {"started c", 500}, {"init a", 500}, {"started a", 500}}
end)
E.check("start_link returns when the last child has started", function()
  return got.start_link_returned, 500
end)
E.check("a call made during init is answered after init, before the queued EXIT", function()
  return {got.call_answered, got.which},
         {500, {{id = "c", pid = pids.c, type = "worker"}, {id = "b", pid = pids.b, type = "worker"},
                {id = "a", pid = got.a_killed, type = "worker"}}}
end)
