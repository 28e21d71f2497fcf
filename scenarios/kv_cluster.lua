-- kv_cluster.lua — five nodes, an eventually consistent key-value store, under a nemesis.
--
-- Each node owns one key (its own name) and bumps its version every 200 ms; every node keeps a
-- replica of every key. A write goes to the local store (a gen_server, kv_store), is saved to the
-- node's disk (a table that survives crashes, as a disk does) and is cast to the stores on every
-- connected node. When two nodes connect (nodeup, after a crash, a disconnect, a partition that
-- outlasted net_ticktime) each sends the other its whole table — anti-entropy — and a replica
-- merges a key by keeping the higher version. A connector asks for a connection to every peer
-- it is not connected to once a second: Erlang does not reconnect by itself (otp-semantics
-- §1.7), so without it a cluster split by a disconnect stays split.
--
-- The nemesis (crashes, partitions one-way and both ways, disconnects, degraded links, slow and
-- paused nodes, clock drift) runs from 2 s to 40 s; then everything heals. Properties:
--   sim.always     "versions never go back": no replica ever shows an older version of a key
--                  than it showed before (checked after every event);
--   sim.eventually "replicas converge": within 20 s after the faults stop, every live replica
--                  holds the owner's latest version of every key.
--
-- The planted bug (--set buggy=true): the merge takes the incoming version as it is instead of
-- the higher one ("last message wins"). Without faults it is never caught: updates from one
-- owner arrive in order. With faults, an anti-entropy table from a node that was cut off
-- carries old versions and overwrites newer ones; the nemesis finds it within the first few
-- seeds (tests/cli checks that one of seeds 1..100 does).
--
--   otpsim run scenarios/kv_cluster.lua
--   otpsim run scenarios/kv_cluster.lua --set buggy=true --seed 3

local N        = sim.param("nodes", 5, {shrink = 2})  -- otpsim shrink may try fewer
local buggy    = sim.param("buggy", false)
local faults_to = sim.param("faults_until_ms", 40000)
local nemesis  = sim.param("nemesis", true)

sim.net{latency = sim.lognormal(0.2, 2), net_ticktime = 4}

local nodes, disk, view = {}, {}, {}   -- view[node]: the live store's table (read by the checks)

-- ---- kv_store ------------------------------------------------------------------------------
local Store = {}

local function merge(s, key, version)
  if buggy then
    s.t[key] = version                              -- the bug: the last message wins
  elseif version > (s.t[key] or 0) then
    s.t[key] = version
  end
  disk[s.node][key] = s.t[key]
end

function Store.init()
  local me = otp.node()
  local t = {}
  for k, v in pairs(disk[me]) do t[k] = v end       -- recover from the disk
  view[me] = t
  otp.monitor_nodes(true)
  for _, peer in ipairs(otp.nodes()) do otp.gen_server.cast({"kv_store", peer}, {"sync", t}) end
  return "ok", {node = me, t = t}
end

function Store.handle_call(req, from, s)
  if req == "write" then
    local v = (s.t[s.node] or 0) + 1
    merge(s, s.node, v)
    for _, peer in ipairs(otp.nodes()) do otp.gen_server.cast({"kv_store", peer}, {"put", s.node, v}) end
    return "reply", v, s
  end
end

function Store.handle_cast(msg, s)
  if msg[1] == "put" then
    merge(s, msg[2], msg[3])
  elseif msg[1] == "sync" then
    for k, v in pairs(msg[2]) do merge(s, k, v) end
  end
  return "noreply", s
end

function Store.handle_info(msg, s)
  if msg.tag == "nodeup" then otp.gen_server.cast({"kv_store", msg.node}, {"sync", s.t}) end
  return "noreply", s
end

-- ---- writer and connector --------------------------------------------------------------------
local function writer()
  return otp.spawn_link(function()
    while true do
      otp.sleep(200)
      otp.gen_server.call("kv_store", "write")
    end
  end)
end

local function connector()
  return otp.spawn_link(function()
    local me = otp.node()
    while true do
      local up = {}
      for _, n in ipairs(otp.nodes()) do up[n] = true end
      for _, peer in ipairs(nodes) do   -- connect_node waits for the handshake: one helper each
        if peer ~= me and not up[peer] then otp.spawn(function() otp.connect_node(peer) end) end
      end
      otp.sleep(1000)
    end
  end)
end

local function boot()
  otp.supervisor.start_link({strategy = "one_for_one", intensity = 10, period = 1}, {
    {id = "kv_store", start = {otp.gen_server.start_link, Store, {}, {name = "kv_store"}}},
    {id = "writer", start = writer},
    {id = "connector", start = connector},
  }, {name = "kv_sup"})
  otp.receive() -- the boot process stays, as the application master would
end

for i = 1, N do
  local name = "kv" .. i
  nodes[i] = name
  disk[name] = {}
  sim.node(name, {cores = 2, boot = boot})
end

-- ---- the nemesis and the properties ----------------------------------------------------------
if nemesis then sim.nemesis{faults = "all", rate = 0.5, from = "2s", to = faults_to, duration = sim.uniform(500, 8000),
            kill = {"kv_store"}} end

local seen = {}   -- seen[node][key]: the highest version the replica has shown
for _, n in ipairs(nodes) do seen[n] = {} end
sim.always("versions never go back", function()
  for _, n in ipairs(nodes) do
    local t = view[n]
    if t then
      for _, k in ipairs(nodes) do
        local v = t[k] or 0
        if v < (seen[n][k] or 0) then
          return false, string.format("%s shows %s at version %d after %d", n, k, v, seen[n][k])
        end
        seen[n][k] = v
      end
    end
  end
  return true
end)

sim.eventually("replicas converge", function()
  for _, n in ipairs(nodes) do
    if not sim.node_stats(n).up or not view[n] then return false, n .. " is down" end
    for _, k in ipairs(nodes) do
      if (view[n][k] or 0) ~= (disk[k][k] or 0) then
        return false, string.format("%s has %s at %d, the owner at %d", n, k, view[n][k] or 0, disk[k][k] or 0)
      end
    end
  end
  return true
end, "20s")

sim.check("every node wrote", function()
  for _, n in ipairs(nodes) do
    if (disk[n][n] or 0) < 10 then return false, n .. " wrote " .. (disk[n][n] or 0) end
  end
  return true
end)

sim.run{duration = faults_to + 30000}
