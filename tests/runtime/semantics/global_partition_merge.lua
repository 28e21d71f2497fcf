-- global_partition_merge.lua
-- otp-semantics §6.3: "Conflict resolution when partitions merge. The two nodes take a lock in
-- each partition, then exchange their name tables. For each clash, the node with the smaller node
-- name ... does the resolving ... by `rpc` on the node of its own partition's registrant"; names
-- found in one partition only spread to the other; and §6.1: "With `connect_all` (the default)
-- [connections] are transitive: global connects to every node it learns about."
-- Here a 2+2 split from the start: {a, b} and {c, d}, each pair connected and in sync. a
-- registers "x" and "only_ab"; d registers "x" and "only_cd". The partition heals at 2 s and b
-- pings d at 2.1 s (the only new connection anybody asks for). b (smaller than d) resolves the
-- clash on "x" with the method of its own partition's registration (random_exit_name, run on a):
-- a's pid is kept (a < d) and d's registrant is killed. Afterwards the four nodes are fully
-- connected and all four replicas hold the same three names.
local E = require("lib.expect")

sim.net{net_ticktime = 4}
local NODES = {"a", "b", "c", "d"}
for _, n in ipairs(NODES) do sim.node(n) end
sim.partition({"a", "b"}, {"c", "d"})

local pids = {}
local regs = {}
local final = {}

local function reg(key, name)
  local pid = otp.spawn(function() otp.receive() end)
  pids[key] = pid
  regs[key] = otp.global.register_name(name, pid)
end

sim.spawn("a", function()
  otp.connect_node("b")
  otp.global.sync()
  reg("x@a", "x")
  reg("only_ab", "only_ab")
end)
sim.spawn("d", function()
  otp.connect_node("c")
  otp.global.sync()
  reg("x@d", "x")
  reg("only_cd", "only_cd")
end)

sim.at("2s", function() sim.heal() end)
sim.spawn("b", function()
  otp.sleep(2100)
  regs.ping = otp.ping("d")
end)

sim.at("6s", function()
  for _, n in ipairs(NODES) do
    sim.spawn(n, function()
      local view = {}
      for _, name in ipairs(otp.global.registered_names()) do
        local pid = otp.global.whereis_name(name)
        view[name] = pid == pids["x@a"] and "a's pid" or pid == pids["x@d"] and "d's pid" or
                     pid == pids[name] and "its pid" or tostring(pid)
      end
      final[n] = {nodes = otp.nodes(), names = view}
    end)
  end
end)

sim.run{duration = "7s"}

E.check("registrations in each partition, then the ping across", function()
  return regs, {["x@a"] = "yes", ["x@d"] = "yes", only_ab = "yes", only_cd = "yes", ping = "pong"}
end)

E.check("after the merge: a full mesh and the same names everywhere, a's x kept", function()
  local names = {x = "a's pid", only_ab = "its pid", only_cd = "its pid"}
  return final, {a = {nodes = {"b", "c", "d"}, names = names},
                 b = {nodes = {"a", "c", "d"}, names = names},
                 c = {nodes = {"a", "b", "d"}, names = names},
                 d = {nodes = {"a", "b", "c"}, names = names}}
end)

E.check("d's registrant of x was killed, a's lives", function()
  return {otp.is_alive(pids["x@a"]), otp.is_alive(pids["x@d"])}, {true, false}
end)
