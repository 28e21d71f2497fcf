-- supervisor_shutdown_unlinked_child.lua
-- otp-semantics §3.6: "A **monitor**, not the `EXIT`, is used so that a child that unlinked
-- itself cannot hang the supervisor." and "unlink(Child); flush a pending {'EXIT',Child,_}; use
-- that EXIT reason if present".
--
-- Child u unlinks itself from the supervisor; terminate_child(u) still returns ok at once (the
-- exit signal kills it and the monitor reports it). Child x exits by itself with {shutdown, gone}
-- while the supervisor is busy; the supervisor then runs terminate_child(x) (queued before the
-- EXIT): it finds x dead, flushes the pending EXIT and does not restart x afterwards.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local pids, starts = {}, {}

local function spec(id, body)
  return {id = id, start = function()
    starts[id] = (starts[id] or 0) + 1
    local sup = otp.self()
    pids[id] = otp.spawn_link(body, sup)
    return pids[id]
  end}
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 5}, {
    spec("u", function(sup) otp.unlink(sup); otp.receive() end),
    spec("x", function() otp.receive({go = true}); otp.exit({"shutdown", "gone"}) end),
  })
  otp.sleep(10)
  got.u = {otp.supervisor.terminate_child(sup, "u"), otp.now(), otp.is_alive(pids.u)}
  -- keep the supervisor busy 100 ms (a slow start_child), queue terminate_child(x), then let x exit
  local me = otp.self()
  otp.spawn(function()
    otp.supervisor.start_child(sup, {id = "slow", start = function()
      otp.sleep(100)
      return otp.spawn_link(function() otp.receive() end)
    end})
  end)
  otp.sleep(10)
  otp.spawn(function()
    otp.send(me, {x = {otp.supervisor.terminate_child(sup, "x"), otp.now()}})
  end)
  otp.sleep(10)
  otp.send(pids.x, {go = true})
  got.x = otp.receive({x = otp.any}).x
  otp.sleep(10)
  got.which = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do got.which[i] = {c.id, otp.is_pid(c.pid) and "pid" or c.pid} end
  got.starts = starts
end)

E.check("terminate_child of a self-unlinked child returns ok at once; the child is dead", function()
  return got.u, {"ok", 10, false}
end)
E.check("terminate_child of a child that already exited returns ok", function()
  return got.x, {"ok", 110}
end)
E.check("the flushed EXIT does not restart it", function()
  return {got.which, got.starts}, {{{"slow", "pid"}, {"x", "undefined"}, {"u", "undefined"}}, {u = 1, x = 1}}
end)
