-- global_register_concurrent_one_wins.lua
-- otp-semantics §6.3: "`register_name(Name, Pid [,Resolve])` is synchronous: the name is
-- registered on all known nodes or none. It returns `no` if the name is taken"; and
-- "`global:set_lock/trans` provide cluster-wide locks" — register_name runs under global's own
-- lock on every known node (global.erl trans_all_known), so concurrent registrations of one name
-- in one partition are serialised.
-- Here n1, n2, n3 are fully meshed and in sync. At the same instant a process on each node
-- registers "leader" for itself. Exactly one call returns yes, the two others no (after waiting
-- for the lock), and all three replicas name the winner. Then the winner unregisters and the
-- two others try again at the same instant: again exactly one yes, and all replicas agree.
local E = require("lib.expect")

local NODES = {"n1", "n2", "n3"}
for _, n in ipairs(NODES) do sim.node(n) end

local rounds = {{}, {}}
local views = {{}, {}}
local candidates = {}

for i, me in ipairs(NODES) do
  sim.spawn(me, function()
    for j = i + 1, #NODES do otp.connect_node(NODES[j]) end
    otp.global.sync()
    local pid = otp.spawn(function() otp.receive() end)
    candidates[me] = pid
    otp.sleep(1000 - otp.now())
    local r = otp.global.register_name("leader", pid)
    rounds[1][me] = r
    otp.sleep(2000 - otp.now())
    views[1][me] = otp.global.whereis_name("leader")
    if r == "yes" then
      otp.global.unregister_name("leader")
    else
      otp.sleep(3000 - otp.now())
      rounds[2][me] = otp.global.register_name("leader", pid)
    end
    otp.sleep(4000 - otp.now())
    views[2][me] = otp.global.whereis_name("leader")
  end)
end

sim.run{duration = "5s"}

local function outcome(round, view, expected_calls)
  local yes, winner, calls = 0, nil, 0
  for node, r in pairs(round) do
    calls = calls + 1
    if r == "yes" then yes = yes + 1; winner = candidates[node] end
  end
  local agree = winner ~= nil
  for _, n in ipairs(NODES) do agree = agree and view[n] == winner end
  return {calls = calls, yes = yes, replicas_agree = agree}, {calls = expected_calls, yes = 1,
                                                             replicas_agree = true}
end

E.check("three concurrent registrations: one yes, every replica names the winner", function()
  return outcome(rounds[1], views[1], 3)
end)

E.check("after the winner unregisters, two concurrent registrations: one yes", function()
  return outcome(rounds[2], views[2], 2)
end)
