-- global_register_whereis_across_nodes.lua
-- otp-semantics §6.3: "`register_name(Name, Pid [,Resolve])` is synchronous: the name is
-- registered on all known nodes or none. It returns `no` if the name is taken or Pid already has
-- a name." and "Lookups (`whereis_name`) read a local replica."
-- Here n1 and n2 are connected and in sync (otp.global.sync, global:sync/0). n1 registers "svc":
-- yes, and n1 resolves it at once. Right after register_name returns, n1 asks a process on n2:
-- n2's replica has the name already (the call returned only once every known node had it).
-- Registering "svc" again for another pid gives no; a second name for the same pid gives no. A
-- process on n2 registers "remote_owned" for a pid that lives on n1: yes, visible on n1 when its
-- call returns. registered_names is the same sorted list on both nodes; an unknown name is nil.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local got = {n1 = {}, n2 = {}}
local svc, other, owned

local function idle() otp.receive() end

-- n2: answers {name} with what its replica says.
sim.spawn("n2", function()
  otp.register("probe", otp.self())
  while true do
    local m = otp.receive()
    if m.register then
      got.n2.register_remote_owned = otp.global.register_name("remote_owned", m.register)
      otp.send(m.from, "done")
    else
      otp.send(m.from, {whereis = otp.global.whereis_name(m.name),
                        names = otp.global.registered_names()})
    end
  end
end)

sim.spawn("n1", function()
  otp.connect_node("n2")
  got.n1.sync = otp.global.sync()
  svc = otp.spawn(idle)
  other = otp.spawn(idle)
  owned = otp.spawn(idle)
  got.n1.register = otp.global.register_name("svc", svc)
  got.n1.whereis = otp.global.whereis_name("svc") == svc
  otp.send({"probe", "n2"}, {from = otp.self(), name = "svc"})
  local r = otp.receive()
  got.n2.whereis = r.whereis == svc
  got.n2.names = r.names
  got.n1.taken = otp.global.register_name("svc", other)
  got.n1.pid_has_a_name = otp.global.register_name("svc_alias", svc)
  got.n1.still_svc = otp.global.whereis_name("svc") == svc
  got.n1.unknown = otp.global.whereis_name("nobody") == nil
  -- a registration made on n2, for a pid on n1
  otp.send({"probe", "n2"}, {from = otp.self(), register = owned})
  otp.receive()
  got.n1.remote_owned = otp.global.whereis_name("remote_owned") == owned
  got.n1.names = otp.global.registered_names()
  otp.send({"probe", "n2"}, {from = otp.self(), name = "remote_owned"})
  r = otp.receive()
  got.n2.names_after = r.names
  -- re_register_name moves a taken name (global:re_register_name/2)
  got.n1.re_register = otp.global.re_register_name("svc", other)
  otp.send({"probe", "n2"}, {from = otp.self(), name = "svc"})
  r = otp.receive()
  got.n2.moved = r.whereis == other
end)

sim.run{duration = "2s"}

E.check("register_name yes, then no for a taken name and for a pid with a name", function()
  return got.n1, {sync = "ok", register = "yes", whereis = true, taken = "no",
                  pid_has_a_name = "no", still_svc = true, unknown = true,
                  remote_owned = true, names = {"remote_owned", "svc"}, re_register = "yes"}
end)

E.check("n2's replica has every name as soon as register_name returns", function()
  return got.n2, {whereis = true, names = {"svc"}, register_remote_owned = "yes",
                  names_after = {"remote_owned", "svc"}, moved = true}
end)
