-- dist_gen_server_call_nodedown.lua
-- otp-semantics §1.7: "`gen_server:call` in flight across the disconnect: the caller exits with
-- `{{nodedown,n2},{gen_server,call,[...]}}`" and "`gen_server:cast` returns `ok`.
-- `gen_server:call` exits with `{nodedown, N}`" (to an unreachable node); §1.5: "`{nodedown,
-- Node}` (what `gen:call` turns `noconnection` into)".
-- Here (latency 5 ms, net_ticktime 4 s):
--   a) calls in flight (the server never answers "hang") by pid and by {"srv", "n2"} when n1
--      disconnects n2: both callers exit {{"nodedown", "n2"}, {"gen_server", "call", {dest,
--      "hang", timeout}}} at the disconnect;
--   b) a call to {"srv3", "n3"} after n3 crashed exits {{"nodedown", "n3"}, ...} after the
--      refused connection attempt, and a cast there returns "ok";
--   c) a call in flight when n1 and n4 are partitioned silently exits nodedown at the tick
--      timeout (2..5 s); a cast to the partitioned node returns "ok" at once.
local E = require("lib.expect")

sim.net{latency = 5, net_ticktime = 4}
for _, n in ipairs({"n1", "n2", "n3", "n4"}) do sim.node(n) end

local Srv = {
  init = function() return "ok", {} end,
  handle_call = function(req, _, s)
    if req == "ping" then return "reply", "pong", s end
    return "noreply", s          -- "hang": never answered
  end,
  handle_cast = function(_, s) return "noreply", s end,
}

local got, pids = {}, {}

sim.spawn("n1", function()
  pids.srv2 = otp.gen_server.start(Srv, nil, {name = "srv", node = "n2"})
  pids.srv3 = otp.gen_server.start(Srv, nil, {name = "srv3", node = "n3"})
  pids.srv4 = otp.gen_server.start(Srv, nil, {name = "srv4", node = "n4"})
  got.ping = otp.gen_server.call({"srv", "n2"}, "ping")   -- reachable: a normal reply
  -- a)
  otp.spawn(function()
    got.a_pid = {E.catch(otp.gen_server.call, pids.srv2, "hang", 10000), otp.now()}
  end)
  otp.spawn(function()
    got.a_name = {E.catch(otp.gen_server.call, {"srv", "n2"}, "hang", "infinity"), otp.now()}
  end)
  -- b) at 2 s, after n3 crashed at 1.5 s
  otp.spawn(function()
    otp.sleep(2000 - otp.now())
    local t = otp.now()
    got.b_cast = otp.gen_server.cast({"srv3", "n3"}, "x")
    got.b_call = {E.catch(otp.gen_server.call, {"srv3", "n3"}, "ping"), otp.now() - t}
  end)
  -- c) in flight at the partition at 3 s
  otp.spawn(function()
    otp.sleep(2900 - otp.now())
    got.c_call = {E.catch(otp.gen_server.call, pids.srv4, "hang", "infinity"), otp.now() - 3000}
  end)
  otp.spawn(function()
    otp.sleep(3100 - otp.now())
    local t = otp.now()
    got.c_cast = {otp.gen_server.cast({"srv4", "n4"}, "x"), otp.gen_server.cast(pids.srv4, "y"),
                  otp.now() - t}
  end)
end)

sim.at(1000, function() sim.disconnect("n1", "n2") end)
sim.at(1500, function() sim.crash("n3") end)
sim.at(3000, function() sim.partition("n1", "n4") end)
sim.run{duration = "30s"}

E.check("a reachable remote server answers (the setup works)", function()
  return got.ping, "pong"
end)

E.check("a) call by pid in flight across a disconnect: exit {{nodedown, n2}, {gen_server, call, ...}}", function()
  return got.a_pid, {{"exit", E.call_reason({"nodedown", "n2"}, pids.srv2, "hang", 10000)},
                     E.match_between(1000, 1001)}
end)

E.check("a) call by {name, node} in flight across a disconnect: the same, with that dest", function()
  return got.a_name, {{"exit", E.call_reason({"nodedown", "n2"}, {"srv", "n2"}, "hang", "infinity")},
                      E.match_between(1000, 1001)}
end)

E.check("b) call to {name, node} on a crashed node: exit nodedown; cast returns ok", function()
  return {got.b_cast, got.b_call},
         {"ok", {{"exit", E.call_reason({"nodedown", "n3"}, {"srv3", "n3"}, "ping", 5000)},
                 E.match_between(10, 21)}}
end)

E.check("c) call in flight across a silent partition: exit nodedown at the tick timeout", function()
  return got.c_call, {{"exit", E.call_reason({"nodedown", "n4"}, pids.srv4, "hang", "infinity")},
                      E.match_between(2000, 5000)}
end)

E.check("c) casts to a partitioned node return ok at once", function()
  return got.c_cast, {"ok", "ok", E.match_between(0, 1)}
end)
