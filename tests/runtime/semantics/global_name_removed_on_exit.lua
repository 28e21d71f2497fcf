-- global_name_removed_on_exit.lua
-- otp-semantics §6.3: "A name is removed when its process dies or its node goes down; the
-- removal is eventual on other nodes." and "Lookups (`whereis_name`) read a local replica."
-- Here n1 and n2 are in sync (latency 5 ms). A worker on n1 is registered as "w" and exits:
--   * on n1, whereis_name is nil at once (global:whereis_name checks that a local pid is alive);
--   * on n2, the replica still has "w" 1 ms later (the DOWN has not crossed the network yet) and
--     drops it once the DOWN arrives (checked 20 ms later);
--   * the name can then be registered again, for another pid.
-- unregister_name is synchronous: "ok", and the name is gone on both nodes when it returns; the
-- pid may take a new name; unregistering an unknown name is also "ok".
local E = require("lib.expect")

sim.net{latency = 5}
sim.node("n1")
sim.node("n2")

local got = {}

local function ask_n2(name)
  otp.send({"probe", "n2"}, {from = otp.self(), name = name})
  return otp.receive()
end

sim.spawn("n2", function()
  otp.register("probe", otp.self())
  while true do
    local m = otp.receive()
    otp.send(m.from, {where = otp.global.whereis_name(m.name) ~= nil,
                      names = otp.global.registered_names()})
  end
end)

sim.spawn("n1", function()
  otp.connect_node("n2")
  otp.global.sync()
  local w = otp.spawn(function() otp.receive() end)
  got.register = otp.global.register_name("w", w)
  got.n2_before = ask_n2("w")
  otp.send(w, "stop")
  otp.sleep(1)
  got.n1_at_once = otp.global.whereis_name("w") == nil
  -- n2's replica read directly (otp.global.whereis_name(name, node)): a question sent now would
  -- travel behind the DOWN and could not see the window
  got.n2_1ms = otp.global.whereis_name("w", "n2") ~= nil
  otp.sleep(20)
  got.n2_later = ask_n2("w")
  got.reregister = otp.global.register_name("w", otp.spawn(function() otp.receive() end))

  local u = otp.spawn(function() otp.receive() end)
  got.register_u = otp.global.register_name("u", u)
  got.unregister = otp.global.unregister_name("u")
  got.n1_after_unregister = otp.global.whereis_name("u") == nil
  got.n2_after_unregister = ask_n2("u")
  got.new_name_same_pid = otp.global.register_name("u2", u)
  got.unregister_unknown = otp.global.unregister_name("nobody")
  got.names = otp.global.registered_names()
end)

sim.run{duration = "2s"}

E.check("a dead process's name goes at once locally, later on the other node", function()
  return {got.register, got.n2_before, got.n1_at_once, got.n2_1ms, got.n2_later, got.reregister},
         {"yes", {where = true, names = {"w"}}, true, true, {where = false, names = {}}, "yes"}
end)

E.check("unregister_name removes the name on every node before it returns", function()
  return {got.register_u, got.unregister, got.n1_after_unregister, got.n2_after_unregister,
          got.new_name_same_pid, got.unregister_unknown, got.names},
         {"yes", "ok", true, {where = false, names = {"w"}}, "yes", "ok", {"u2", "w"}}
end)
