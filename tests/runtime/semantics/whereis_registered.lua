-- whereis_registered.lua
-- otp-semantics §1.6 (registered names): whereis(Name) gives the pid while the name is
-- registered, undefined (nil) after unregister/1 and after the process dies; unregister of an
-- unknown name raises badarg; registered() lists the names; names are per node.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local got = {}

sim.spawn("n1", function()
  local a = otp.spawn(function() otp.receive({go = true}) end)
  got.unknown = otp.whereis("svc") or "undefined"
  otp.register("svc", a)
  got.registered = otp.whereis("svc") == a
  got.list = otp.registered()
  got.other_node = otp.whereis("svc", "n2") or "undefined"
  got.this_node_explicit = otp.whereis("svc", "n1") == a
  otp.unregister("svc")
  got.after_unregister = otp.whereis("svc") or "undefined"
  got.unregister_again = {pcall(otp.unregister, "svc")}
  otp.register("svc", a)
  local ref = otp.monitor(a)
  otp.send(a, {go = true})
  otp.receive({tag = "DOWN", ref = ref})
  got.after_death = otp.whereis("svc") or "undefined"
  got.list_after = otp.registered()
end)

E.check("whereis follows register, unregister and death", function()
  return got, {unknown = "undefined", registered = true, list = {"svc"}, other_node = "undefined",
               this_node_explicit = true, after_unregister = "undefined",
               unregister_again = {false, E.match_contains("badarg")},
               after_death = "undefined", list_after = {}}
end)
