-- regulation_shed_mailbox.lua
-- otp-semantics §7 / §8: load shedding on mailbox length and back-pressure through synchronous
-- calls ("regulate at the system's input edges; use synchronous calls for natural
-- back-pressure; reject early rather than time out late"). otp.shed.should_drop(limit) is true
-- while the calling process's message_queue_len (otp.process_info) is above limit;
-- otp.shed.send switches a producer from cast to call when the target's mailbox is above
-- sync_above (lager's async/sync switch), and drops at the producer above drop_above.
-- Here: 20 casts reach an idle server at once; it sheds while more than 5 wait behind the one
-- it handles (14 shed, 6 served). A producer sending one message per ms to a slow server
-- (10 ms each) casts while 0..5 wait, then has to call when 6 wait: its call is answered at
-- 80, after the 7 casts before it; then the mailbox is empty and it casts again. With
-- drop_above 3 it sends while 0..3 wait and drops the rest at the producer. Drops are "regulator" trace events
-- (shed = name, event drop) and count in shed.<name>.dropped.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0, cores = 2})

local drops, counted = {}, {}
local trace, count = otp._trace, otp._count
otp._trace = function(kind, ...)
  local a = {...}
  if kind == "regulator" and a[1] == "shed" then drops[#drops + 1] = {a[2], a[6]} end
  return trace(kind, ...)
end
otp._count = function(name, delta)
  counted[name] = (counted[name] or 0) + (delta or 1)
  return count(name, delta)
end

local served, shed = {}, 0

local Shedder = {
  init = function() return "ok", nil end,
  handle_cast = function(n, s)
    if otp.shed.should_drop(5) then shed = shed + 1 else served[#served + 1] = n end
    return "noreply", s
  end,
}

local Slow = {
  init = function() return "ok", 0 end,
  handle_cast = function(_, n) otp.work(10); return "noreply", n + 1 end,
  handle_call = function(_, _, n) otp.work(10); return "reply", "done", n + 1 end,
}

local results, dropping = {}, {}

sim.spawn("n", function()
  otp.gen_server.start(Shedder, nil, {name = "shedder"})
  for i = 1, 20 do otp.gen_server.cast("shedder", i) end

  otp.gen_server.start(Slow, nil, {name = "slow"})
  for i = 1, 9 do                                    -- one message per ms
    local mode, reply = otp.shed.send("slow", i, {sync_above = 5})
    results[i] = {mode, reply, otp.now()}
    otp.sleep(1)
  end
  otp.sleep(1000 - otp.now())
  for i = 1, 8 do                                    -- 1000..1007: the server is busy until 1010
    dropping[i] = {otp.shed.send("slow", i, {sync_above = 100, drop_above = 3, name = "edge"})}
    otp.sleep(1)
  end
  results.noproc = {otp.shed.send("nobody", 1)}
end)

sim.run{to = 2000}

E.check("the server sheds while more than 5 wait: 14 shed, the last 6 served", function()
  return {shed, served}, {14, {15, 16, 17, 18, 19, 20}}
end)
E.check("async while the mailbox is short, sync (waiting for the server) above 5", function()
  return results, {{"async", nil, 0}, {"async", nil, 1}, {"async", nil, 2}, {"async", nil, 3},
                   {"async", nil, 4}, {"async", nil, 5}, {"async", nil, 6}, {"sync", "done", 80},
                   {"async", nil, 81}, noproc = {nil, "noproc"}}
end)
E.check("above drop_above the producer drops without sending", function()
  local modes = {}
  for i, r in ipairs(dropping) do modes[i] = r[1] or r[2] end
  return modes, {"async", "async", "async", "async", "async", "dropped", "dropped", "dropped"}
end)
E.check("drops traced and counted: shed.shedder.dropped, shed.edge.dropped, shed.slow.sync", function()
  return {#drops, drops[1], drops[15], counted["shed.shedder.dropped"], counted["shed.edge.dropped"],
          counted["shed.slow.sync"]}, {17, {"shedder", 19}, {"edge", 4}, 14, 3, 1}
end)
