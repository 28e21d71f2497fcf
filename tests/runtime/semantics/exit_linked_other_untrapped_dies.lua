-- exit_linked_other_untrapped_dies.lua
-- otp-semantics §1.2, row "set | other R (including `killed`) | no | receiver dies with R".
-- Observed on OTP 25: "q_exit_boom, P not trapping -> Q down boom; P down boom". The reason may
-- be any term: a table reason arrives intact.
local E = require("lib.expect")

local down, p_after = {}, {}

local function case(reason, tag)
  local q, qref = otp.spawn_monitor(function(r)
    otp.receive({go = true})
    otp.exit(r)
  end, reason)
  local p, pref = otp.spawn_monitor(function(q)
    otp.link(q)
    otp.send(q, {go = true})
    otp.receive(100)
    p_after[#p_after + 1] = tag          -- must not happen
  end, q)
  local got = {}
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    got[d.ref == qref and "q" or "p"] = d.reason
  end
  down[tag] = got
end

sim.spawn(function()
  case("boom", "atom")
  case({"shutdown", {why = "tuple", n = 3}}, "tuple")
end)

E.check("Q dies boom; linked non-trapping P dies boom", function()
  return down.atom, {q = "boom", p = "boom"}
end)
E.check("a structured reason propagates unchanged", function()
  local r = {"shutdown", {why = "tuple", n = 3}}
  return down.tuple, {q = r, p = r}
end)
E.check("P never runs on", function() return p_after, {} end)
