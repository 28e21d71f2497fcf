-- supervisor_one_for_one.lua
-- otp-semantics §3.5: "**one_for_one**: restart only the failed child, at its position." and
-- §3.9: "A restart reuses the original `{M,F,A}`: the child restarts in a fresh state."
--
-- Children a, b, c (counters: gen_servers whose state starts at the spec's argument). b is
-- bumped to 3 and then crashes; it restarts from its start arguments (state 10 again), a and c
-- keep their pids and states, and b keeps its place in which_children.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local Counter = {}
function Counter.init(a) log[#log + 1] = "start " .. a.id; return "ok", a.n end
function Counter.handle_call(req, from, n)
  if req == "get" then return "reply", n, n end
  return "reply", n + 1, n + 1
end
function Counter.handle_cast(msg, n) error("crash") end

local function spec(id, n)
  return {id = id, start = {function(args)
    pids[args.id] = otp.gen_server.start_link(Counter, args)
    return pids[args.id]
  end, {id = id, n = n}}}
end

local got = {}

sim.spawn("n", function()
  local sup = otp.supervisor.start_link({strategy = "one_for_one"},
                                        {spec("a", 0), spec("b", 10), spec("c", 20)})
  local a, c = pids.a, pids.c
  otp.gen_server.call(pids.a, "bump")
  for _ = 1, 3 do otp.gen_server.call(pids.b, "bump") end
  got.b_before = otp.gen_server.call(pids.b, "get")
  local old_b = pids.b
  otp.gen_server.cast(pids.b, "crash")
  otp.sleep(10)
  got.b_new = pids.b ~= old_b and otp.is_alive(pids.b)
  got.states = {otp.gen_server.call(pids.a, "get"), otp.gen_server.call(pids.b, "get"),
                otp.gen_server.call(pids.c, "get")}
  got.same = {pids.a == a, pids.c == c}
  local ids = {}
  for i, ch in ipairs(otp.supervisor.which_children(sup)) do ids[i] = ch.id end
  got.which = ids
end)

E.check("only b restarts", function()
  return {log, got.b_new, got.same}, {{"start a", "start b", "start c", "start b"}, true, {true, true}}
end)
E.check("b restarts in a fresh state from its start arguments; a and c keep theirs", function()
  return {got.b_before, got.states}, {13, {1, 10, 20}}
end)
E.check("b keeps its place", function() return got.which, {"c", "b", "a"} end)
