-- supervisor_terminate_child.lua
-- otp-semantics §3.6: "`terminate_child(Sup, Id)` → `ok`. The spec is kept with `pid=undefined`
-- (removed if temporary). `restart_child` then starts it." [RUN]
--
-- Children p (permanent), t (transient), tmp (temporary), all trapping gen_servers recording
-- terminate. terminate_child of each returns ok and shuts the child down with reason shutdown;
-- p and t stay listed as undefined (and are not restarted: the supervisor flushed their EXIT),
-- tmp is gone. terminate_child of an unknown id is not_found; a second terminate_child of an
-- already terminated child is ok. terminate_child also accepts a child's pid.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids, starts = {}, {}, {}

local function spec(id, restart)
  return {id = id, restart = restart, start = function()
    starts[id] = (starts[id] or 0) + 1
    local W = {}
    function W.init() otp.process_flag("trap_exit", true); return "ok", id end
    function W.terminate(reason) log[#log + 1] = {id, reason} end
    pids[id] = otp.gen_server.start_link(W)
    return pids[id]
  end}
end

local function listing(sup)
  local out = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do out[i] = {c.id, otp.is_pid(c.pid) and "pid" or c.pid} end
  return out
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one"},
    {spec("p"), spec("t", "transient"), spec("tmp", "temporary"), spec("bypid")})
  got.results = {
    otp.supervisor.terminate_child(sup, "p"),
    otp.supervisor.terminate_child(sup, "t"),
    otp.supervisor.terminate_child(sup, "tmp"),
    otp.supervisor.terminate_child(sup, pids.bypid),
  }
  got.dead = {otp.is_alive(pids.p), otp.is_alive(pids.t), otp.is_alive(pids.tmp), otp.is_alive(pids.bypid)}
  otp.sleep(10)
  got.which = listing(sup)
  got.again = {otp.supervisor.terminate_child(sup, "p")}
  got.unknown = {otp.supervisor.terminate_child(sup, "nope")}
  got.removed = {otp.supervisor.terminate_child(sup, "tmp")}
  got.restart = otp.is_pid(otp.supervisor.restart_child(sup, "p"))
  got.after_restart = listing(sup)
  got.starts = starts
  got.log = {table.unpack(log)}
end)

E.check("terminate_child returns ok (by id or by pid) and the children are dead", function()
  return {got.results, got.dead}, {{"ok", "ok", "ok", "ok"}, {false, false, false, false}}
end)
E.check("each child gets terminate(shutdown)", function()
  return got.log, {{"p", "shutdown"}, {"t", "shutdown"}, {"tmp", "shutdown"}, {"bypid", "shutdown"}}
end)
E.check("permanent and transient specs kept undefined, temporary removed, nothing restarted", function()
  return got.which, {{"bypid", "undefined"}, {"t", "undefined"}, {"p", "undefined"}}
end)
E.check("again: ok; unknown or removed id: not_found", function()
  return {got.again, got.unknown, got.removed}, {{"ok"}, {nil, "not_found"}, {nil, "not_found"}}
end)
E.check("restart_child then starts it", function()
  return {got.restart, got.after_restart, got.starts},
         {true, {{"bypid", "undefined"}, {"t", "undefined"}, {"p", "pid"}},
          {p = 2, t = 1, tmp = 1, bypid = 1}}
end)
