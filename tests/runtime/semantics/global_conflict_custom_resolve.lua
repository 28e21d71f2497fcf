-- global_conflict_custom_resolve.lua
-- otp-semantics §6.3: "For each clash, the node with the smaller node name (atom order,
-- `node() < Node`) does the resolving, so all resolve functions run in one partition. It calls,
-- by `rpc` on the node of its own partition's registrant (`Pid2`), that registration's resolve
-- method as `Method2(Name, PidFromOtherPartition, Pid2)`." and "The result is broadcast: keep
-- Pid1, keep Pid2, or delete the name (if the function returns `none`, crashes, or returns any
-- other value)."
-- Here isolated nodes a and b each register four names; a's registrations carry resolve
-- functions that record their call and return: the other partition's pid (pick_other), their
-- own pid (pick_mine), raise an error (crash), return a string (junk). b's registrations carry
-- a function that records its call. b (the larger node) connects to a. Then, on both nodes:
-- pick_other is b's pid, pick_mine is a's pid, crash and junk are gone; each of a's functions
-- ran once, on node a, as f(Name, b's pid, a's pid); b's function never ran; no registrant died.
local E = require("lib.expect")

sim.node("a")
sim.node("b")

local NAMES = {"pick_other", "pick_mine", "crash", "junk"}
local pids = {a = {}, b = {}}
local calls = {a = {}, b = {}}
local view = {}

local function record(side, name, pid1, pid2)
  table.insert(calls[side], {name = name, node = otp.node(), pid1 = pid1 == pids.b[name],
                             pid2 = pid2 == pids.a[name]})
end

local RESOLVE = {
  pick_other = function(name, pid1, pid2) record("a", name, pid1, pid2); return pid1 end,
  pick_mine = function(name, pid1, pid2) record("a", name, pid1, pid2); return pid2 end,
  crash = function(name, pid1, pid2) record("a", name, pid1, pid2); error("cannot decide") end,
  junk = function(name, pid1, pid2) record("a", name, pid1, pid2); return "junk" end,
}

local function b_resolve(name, pid1, pid2)
  record("b", name, pid1, pid2)
  return pid1
end

local function idle() otp.receive() end

for _, node in ipairs({"a", "b"}) do
  sim.spawn(node, function()
    for _, name in ipairs(NAMES) do
      local pid = otp.spawn(idle)
      pids[node][name] = pid
      otp.global.register_name(name, pid, node == "a" and RESOLVE[name] or b_resolve)
    end
    if node == "b" then
      otp.sleep(100)
      otp.connect_node("a")
    end
    otp.sleep(2000 - otp.now())
    local v = {}
    for _, name in ipairs(NAMES) do
      local pid = otp.global.whereis_name(name)
      v[name] = pid == nil and "undefined" or (pid == pids.a[name] and "a's pid" or
                                                (pid == pids.b[name] and "b's pid" or "?"))
    end
    view[node] = v
  end)
end

sim.run{duration = "3s"}

local WANT = {pick_other = "b's pid", pick_mine = "a's pid", crash = "undefined", junk = "undefined"}

E.check("both nodes end with the outcome a's resolve functions chose", function()
  return view, {a = WANT, b = WANT}
end)

E.check("a's functions ran once each on a as f(Name, b's pid, a's pid); b's never ran", function()
  local function call(name) return {name = name, node = "a", pid1 = true, pid2 = true} end
  return calls, {a = {call("crash"), call("junk"), call("pick_mine"), call("pick_other")}, b = {}}
end)

E.check("no registrant was killed", function()
  local alive = {}
  for _, node in ipairs({"a", "b"}) do
    for _, name in ipairs(NAMES) do alive[#alive + 1] = otp.is_alive(pids[node][name]) end
  end
  return alive, {true, true, true, true, true, true, true, true}
end)
