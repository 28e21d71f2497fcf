-- global.lua — OTP 25's global name registration (kernel global.erl; otp-semantics §6.3).
--
-- One server per node, registered locally as "global_name_server", started by the first
-- otp.global call on the node (and, as OTP's global runs on every node, on any node a running
-- server gets a nodeup from). Each server keeps a replica of the name table; lookups read it
-- directly, as global:whereis_name/1 reads ETS. Every server monitors every registered pid, so a
-- name goes away on a node when its process dies or the connection to its node is lost.
--
-- Changes take global's lock ("global" resource) on every node of the partition:
--   * register_name / unregister_name: the node's registrar process locks [node | known], checks
--     the local replica, then calls {register, ...} on every locked node (global:trans_all_known).
--   * a nodeup between two nodes that do not know each other starts a sync, driven by the node
--     with the smaller name: after OTP's locker delay (200 ms when it knows no node, else
--     1000 + 100 per known node, at most 3000 ms) its locker locks its own partition, asks the
--     peer's server to lock the peer's partition with the same lock id, exchanges the name
--     tables, resolves clashes (the smaller node resolves: the registration of its own partition
--     gives the method, run on the registrant's node as Method(Name, OtherPid, OwnPid)), then
--     each side sends {new_nodes, Ops, Nodes} to its own partition before releasing the lock.
--     Every node then knows the nodes of the other partition and connects to them (connect_all).
--   * prevent_overlapping_partitions (on by default, as in OTP 25): a node that loses a
--     connection tells every node it knows ({lost_connection, A, Op, B}); a receiver forwards it
--     once, then sends {remove_connection, self} to B (to A if it is B itself) and forgets that
--     node; remove_connection makes its receiver disconnect the sender. Only fully connected
--     partitions remain (OTP 25 global.erl).
local otp, gen = ...

local NAME = "global_name_server"
local global = {}

-- ---- per-simulation state ------------------------------------------------------------------
local replicas = {}   -- node -> the running server's state (its "ETS tables")
local conf = {prevent_overlapping_partitions = true}
local node_conf = {}  -- node -> {prevent_overlapping_partitions = b}
local op_seq = {}     -- node -> last lost_connection operation id (kept across restarts, like
                      -- OTP's creation + unique_integer)
local tag_seq = 0     -- sync session tags

local BUILTIN_METHODS = {random_exit_name = true, random_notify_name = true, notify_all_name = true}

local function pop_enabled(node)
  local c = node_conf[node]
  if c and c.prevent_overlapping_partitions ~= nil then return c.prevent_overlapping_partitions end
  return conf.prevent_overlapping_partitions
end

local function inside() return (pcall(otp.self)) end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  return ks
end

local function connected(node)
  for _, n in ipairs(otp.nodes()) do
    if n == node then return true end
  end
  return false
end

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

local function subset(a, b)
  for _, v in ipairs(a) do
    if not contains(b, v) then return false end
  end
  return true
end

-- {node} and the nodes it knows, sorted: its partition as global sees it.
local function partition(st)
  local ns = sorted_keys(st.known)
  ns[#ns + 1] = st.node
  table.sort(ns)
  return ns
end

-- A deterministic pseudo-random generator for lock back-off (global:random_sleep/1), seeded from
-- the process, so that the scenario's math.random stream is left alone.
local function make_rng(seed_text)
  local x = 2166136261
  for i = 1, #seed_text do x = ((x ~ seed_text:byte(i)) * 16777619) & 0xffffffff end
  if x == 0 then x = 1 end
  return function(n)
    x = x ~ ((x << 13) & 0xffffffff)
    x = x ~ (x >> 17)
    x = x ~ ((x << 5) & 0xffffffff)
    return x % n + 1
  end
end

-- First 1/8 s at most, doubling up to 8 s, as global:random_sleep/1.
local function random_sleep(times, rng)
  local tmax = times > 5 and 8000 or ((1 << times) * 1000) // 8
  otp.sleep(rng(tmax))
end

local function trace(event, ...) otp._trace("global", "event", event, ...) end

-- ---- talking to servers ----------------------------------------------------------------------
-- Sends without setting a connection up (OTP's [noconnect] sends): only to this node or to a
-- node with a connection up.
local function vsend(st, node, msg)
  if node == st.node then otp.send(st.pid, msg)
  elseif connected(node) then otp.send({NAME, node}, msg) end
end

-- gen_server:multi_call to the servers on nodes (this node and connected nodes only): node ->
-- reply. Nodes whose server is gone are left out (OTP's bad nodes).
local function multi_call(nodes, req)
  local me, here = otp.self(), otp.node()
  local waiting = {}
  for _, n in ipairs(nodes) do
    local dest
    if n == here then dest = otp.whereis(NAME)
    elseif connected(n) then dest = {NAME, n} end
    if dest then
      local mref = otp.monitor(dest, {alias = true})
      otp.send(dest, {tag = gen.CALL, from = {pid = me, ref = mref}, req = req})
      waiting[#waiting + 1] = {n, mref}
    end
  end
  local replies = {}
  for _, w in ipairs(waiting) do
    local m = otp.receive({ref = w[2]})
    if m.tag ~= "DOWN" then
      otp.demonitor(w[2], {flush = true})
      replies[w[1]] = m.value
    end
  end
  return replies
end

local function call(node, req) return multi_call({node}, req)[node] end

local function del_lock_nodes(st, id, nodes, holder)
  for _, n in ipairs(nodes) do vsend(st, n, {tag = "$gdel_lock", id = id, holder = holder}) end
end

-- Sets lock id on every node (the boss, the largest node, first), or on none: false.
local function lock_nodes(st, id, nodes, holder)
  local function set(ns)
    local replies = multi_call(ns, {"set_lock", id, holder})
    local ok = true
    for _, n in ipairs(ns) do
      if replies[n] == false then ok = false end
    end
    if ok then return true end
    local set_on = {}
    for _, n in ipairs(ns) do
      if replies[n] == true then set_on[#set_on + 1] = n end
    end
    del_lock_nodes(st, id, set_on, holder)
    return false
  end
  local boss = nodes[#nodes]
  if not set({boss}) then return false end
  local rest = {}
  for i = 1, #nodes - 1 do rest[i] = nodes[i] end
  if not set(rest) then
    del_lock_nodes(st, id, {boss}, holder)
    return false
  end
  return true
end

-- ---- the name table (one replica per node) ---------------------------------------------------
local function where(st, name)
  local e = st.names[name]
  if not e then return nil end
  if otp.node(e.pid) == st.node and (not inside() or otp.node() == st.node) then
    if not otp.is_alive(e.pid) then return nil end
  end
  return e.pid
end

local function del_name(st, name)
  local e = st.names[name]
  if not e then return end
  st.names[name] = nil
  st.mons[e.ref] = nil
  otp.demonitor(e.ref, {flush = true})
  if st.pid_names[e.pid] == name then st.pid_names[e.pid] = nil end
end

local function ins_name(st, name, pid, method)
  del_name(st, name)
  local ref = otp.monitor(pid)
  st.names[name] = {pid = pid, method = method, ref = ref}
  st.mons[ref] = name
  st.pid_names[pid] = name
end

local function names_list(st)
  local out = {}
  for _, name in ipairs(sorted_keys(st.names)) do
    local e = st.names[name]
    out[#out + 1] = {name, e.pid, e.method}
  end
  return out
end

-- ---- the lock --------------------------------------------------------------------------------
local function set_lock(st, id, holder)
  if st.lock and st.lock.id ~= id then return false end
  if not st.lock then st.lock = {id = id, holders = {}, n = 0} end
  local l = st.lock
  if not l.holders[holder] then
    local ref = otp.monitor(holder)
    l.holders[holder] = ref
    l.n = l.n + 1
    st.lock_refs[ref] = holder
  end
  return true
end

local function drop_holder(st, holder, demonitor)
  local l = st.lock
  local ref = l.holders[holder]
  l.holders[holder] = nil
  l.n = l.n - 1
  st.lock_refs[ref] = nil
  if demonitor then otp.demonitor(ref, {flush = true}) end
  if l.n == 0 then st.lock = nil end
end

local function del_lock(st, id, holder)
  if st.lock and st.lock.id == id and st.lock.holders[holder] then drop_holder(st, holder, true) end
end

-- ---- resolving clashes -----------------------------------------------------------------------
local function minmax(p1, p2)
  if otp.node(p1) < otp.node(p2) then return p1, p2 end
  return p2, p1
end

function global.random_exit_name(name, pid1, pid2)
  local min, max = minmax(pid1, pid2)
  trace("name_conflict_kill", "name", name, "killed", tostring(max))
  otp.exit(max, "kill")
  return min
end

function global.random_notify_name(name, pid1, pid2)
  local min, max = minmax(pid1, pid2)
  otp.send(max, {tag = "global_name_conflict", name = name})
  return min
end

function global.notify_all_name(name, pid1, pid2)
  otp.send(pid1, {tag = "global_name_conflict", name = name, other = pid2})
  otp.send(pid2, {tag = "global_name_conflict", name = name, other = pid1})
  return nil
end

local BADRPC = {}

-- rpc:call(node(Pid2), global, resolve_it, [Method, Name, Pid1, Pid2]): the pid kept, nil for
-- none (also when the method raises or returns something else), BADRPC if the node is gone.
local function resolve_it(method, name, pid1, pid2)
  local fn = type(method) == "function" and method or
             (BUILTIN_METHODS[method] and global[method]) or nil
  if not fn then return nil end
  local me, ref = otp.self(), otp.make_ref()
  local _, mref = otp.spawn_monitor(otp.node(pid2), function()
    local ok, r = pcall(fn, name, pid1, pid2)
    otp.send(me, {tag = "$gresolve", ref = ref, ok = ok, pid = (ok and otp.is_pid(r)) and r or nil})
  end)
  local m = otp.receive(function(m)
    return type(m) == "table" and ((m.tag == "$gresolve" and m.ref == ref) or
                                   (m.tag == "DOWN" and m.ref == mref))
  end)
  if m.tag == "DOWN" then return BADRPC end
  otp.demonitor(mref, {flush = true})
  return m.pid
end

-- exchange_names/4, run by the smaller node for both sides: the operations for its own
-- partition (mine) and for the peer's (theirs).
local function exchange(my_names, their_names)
  local mine_t, theirs_t = {}, {}
  for _, e in ipairs(my_names) do mine_t[e[1]] = e end
  for _, e in ipairs(their_names) do theirs_t[e[1]] = e end
  local ops_mine, ops_theirs = {}, {}
  for _, e in ipairs(their_names) do
    local name, pid, method = e[1], e[2], e[3]
    local m = mine_t[name]
    if not m then
      ops_mine[#ops_mine + 1] = {"insert", name, pid, method}
    elseif m[2] ~= pid then
      local r = resolve_it(m[3], name, pid, m[2])
      if r == BADRPC or r == pid then
        ops_mine[#ops_mine + 1] = {"insert", name, pid, method}
      elseif r == m[2] then
        ops_theirs[#ops_theirs + 1] = {"insert", name, m[2], m[3]}
      else
        ops_mine[#ops_mine + 1] = {"delete", name}
        ops_theirs[#ops_theirs + 1] = {"delete", name}
      end
      trace("name_conflict", "name", name, "kept",
            (r == BADRPC or r == pid) and tostring(pid) or (r == m[2] and tostring(m[2]) or "none"))
    end
  end
  for _, m in ipairs(my_names) do
    if not theirs_t[m[1]] then ops_theirs[#ops_theirs + 1] = {"insert", m[1], m[2], m[3]} end
  end
  return ops_mine, ops_theirs
end

-- ---- sync between partitions -----------------------------------------------------------------
-- The locker of one sync session, on the smaller node st.node, with peer (a larger node name).
local function locker(st, peer, id)
  local me = otp.self()
  local rng = make_rng(st.node .. tostring(me) .. id)
  local nknown = #sorted_keys(st.known)
  otp.sleep(nknown == 0 and 200 or math.min(1000 + 100 * nknown, 3000))
  local times = 0
  while true do
    if st.known[peer] or not connected(peer) then return end
    local mine = partition(st)
    if lock_nodes(st, id, mine, me) then
      local r = call(peer, {"lock_partition", id, me})
      if r then
        local sub, theirs = r.pid, r.nodes
        local function release()
          otp.send(sub, {tag = "$grelease"})
          del_lock_nodes(st, id, mine, me)
        end
        if st.known[peer] then release(); return end
        local their_names = subset(partition(st), mine) and call(peer, {"get_names"})
        if their_names then
          local ops_mine, ops_theirs = exchange(names_list(st), their_names)
          for _, n in ipairs(mine) do
            vsend(st, n, {tag = "$gnew_nodes", id = id, ops = ops_mine, nodes = theirs})
          end
          otp.send(sub, {tag = "$gfinish", ops = ops_theirs, nodes = mine})
          del_lock_nodes(st, id, mine, me)
          return
        end
        release()
      else
        del_lock_nodes(st, id, mine, me)
      end
    end
    random_sleep(times, rng)
    times = times + 1
  end
end

-- On the larger node: locks its partition for the peer's locker, answers the call with the
-- nodes locked, then sends the peer's operations to those nodes (or just releases).
local function sublocker(st, from, id, peer_locker)
  local me = otp.self()
  local lref = otp.monitor(peer_locker)
  local nodes = partition(st)
  if not lock_nodes(st, id, nodes, me) then
    gen.reply(from, false)
    return
  end
  gen.reply(from, {pid = me, nodes = nodes})
  local m = otp.receive(function(m)
    return type(m) == "table" and ((m.tag == "DOWN" and m.ref == lref) or m.tag == "$gfinish" or
                                   m.tag == "$grelease")
  end)
  if m.tag == "$gfinish" then
    for _, n in ipairs(nodes) do
      vsend(st, n, {tag = "$gnew_nodes", id = id, ops = m.ops, nodes = m.nodes})
    end
  end
  del_lock_nodes(st, id, nodes, me)
end

-- ---- the server ------------------------------------------------------------------------------
local start_server

local function settle_waiters(st)
  local keep = {}
  for _, w in ipairs(st.waiters) do
    local left = {}
    for _, n in ipairs(w.nodes) do
      if not st.known[n] and connected(n) then left[#left + 1] = n end
    end
    w.nodes = left
    if #left == 0 then gen.reply(w.from, "ok") else keep[#keep + 1] = w end
  end
  st.waiters = keep
end

local function cancel_session(st, node, unless_id)
  local s = st.sessions[node]
  if not s then return end
  st.sessions[node] = nil
  if s.id ~= unless_id then otp.exit(s.locker, "kill") end
end

local function start_session(st, node)
  tag_seq = tag_seq + 1
  local id = "sync:" .. st.node .. ":" .. node .. ":" .. tag_seq
  local s = {id = id}
  st.sessions[node] = s
  s.locker = otp.spawn_link(function() locker(st, node, id) end)
end

local function remote_start()
  if not otp.whereis(NAME) then start_server() end
end

local function handle_nodeup(st, node)
  if st.known[node] or st.pending[node] then return end
  st.pending[node] = true
  otp.spawn(node, remote_start)     -- global runs on every node in OTP
  if st.node < node then start_session(st, node)
  else vsend(st, node, {tag = "$ginit_connect", node = st.node}) end
end

-- Multicast to the servers of known and pending nodes but `except` (volatile).
local function multicast(st, msg, except)
  local targets = {}
  for n in pairs(st.known) do targets[n] = true end
  for n in pairs(st.pending) do targets[n] = true end
  for _, n in ipairs(sorted_keys(targets)) do
    if n ~= except then vsend(st, n, msg) end
  end
end

-- handle_nodedown/3: what is "disconnected", "remove_connection".
local function handle_nodedown(st, node, what)
  cancel_session(st, node)
  if what == "remove_connection" then
    st.removing[node] = true
  elseif st.removing[node] then
    st.removing[node] = nil
  elseif pop_enabled(st.node) then
    op_seq[st.node] = (op_seq[st.node] or 0) + 1
    multicast(st, {tag = "$glost_connection", a = st.node, op = op_seq[st.node], b = node}, node)
  end
  st.pending[node] = nil
  st.known[node] = nil
  settle_waiters(st)
end

local function is_potentially_known(st, node) return st.known[node] or st.pending[node] end

local function handle_lost_connection(st, m)
  if not pop_enabled(st.node) then return end
  local key = m.a .. "\0" .. m.b
  local seen = st.lost[key]
  if seen and m.op <= seen then return end
  multicast(st, m, m.a)
  st.lost[key] = m.op
  local rm = st.node == m.b and m.a or m.b
  if is_potentially_known(st, rm) then
    vsend(st, rm, {tag = "$gremove_connection", node = st.node})
    trace("prevent_overlapping_partitions", "node", st.node, "action", "requested disconnect from",
          "peer", rm, "lost", m.a .. " lost " .. m.b)
    handle_nodedown(st, rm, "remove_connection")
  end
end

local function handle_remove_connection(st, node)
  if not is_potentially_known(st, node) then return end
  otp.disconnect_node(node)
  handle_nodedown(st, node, "remove_connection")
  trace("prevent_overlapping_partitions", "node", st.node, "action", "disconnected", "peer", node)
end

local function handle_new_nodes(st, m)
  for _, op in ipairs(m.ops) do
    if op[1] == "insert" then ins_name(st, op[2], op[3], op[4]) else del_name(st, op[2]) end
  end
  for _, n in ipairs(m.nodes) do
    if n ~= st.node and not st.known[n] then
      st.known[n] = true
      st.pending[n] = nil
      cancel_session(st, n, m.id)
      if not connected(n) then
        local server = st.pid
        otp.spawn_link(function()   -- sync_other/2: connect_all
          if not otp.connect_node(n) then otp.send(server, {tag = "$gextra_nodedown", node = n}) end
        end)
      end
    end
  end
  settle_waiters(st)
end

local function handle_call(st, from, req)
  local op = req[1]
  if op == "registrar" then
    otp.send(st.registrar, {tag = "$greg", op = req[2], from = from})
  elseif op == "set_lock" then
    gen.reply(from, set_lock(st, req[2], req[3]))
  elseif op == "register" then
    ins_name(st, req[2], req[3], req[4])
    gen.reply(from, "yes")
  elseif op == "unregister" then
    del_name(st, req[2])
    gen.reply(from, "ok")
  elseif op == "get_names" then
    gen.reply(from, names_list(st))
  elseif op == "lock_partition" then
    otp.spawn_link(function() sublocker(st, from, req[2], req[3]) end)
  elseif op == "sync" then
    st.waiters[#st.waiters + 1] = {from = from, nodes = otp.nodes()}
    settle_waiters(st)
  else
    gen.reply(from, {error = "unknown_request"})
  end
end

local function handle_down(st, m)
  local name = st.mons[m.ref]
  if name then
    st.mons[m.ref] = nil
    local e = st.names[name]
    if e and e.ref == m.ref then
      st.names[name] = nil
      if st.pid_names[e.pid] == name then st.pid_names[e.pid] = nil end
    end
    return
  end
  local holder = st.lock_refs[m.ref]
  if holder and st.lock then drop_holder(st, holder, false) end
end

-- trans_all_known/1 with the registrar's lock, then the operation on every locked node.
local function registrar_op(st, op, rng)
  local me = otp.self()
  local id = "global:" .. tostring(me)
  local times = 0
  while true do
    local nodes = partition(st)
    if lock_nodes(st, id, nodes, me) then
      if subset(partition(st), nodes) then
        local result
        if op[1] == "register" then
          local name, pid = op[2], op[3]
          if where(st, name) == nil and st.pid_names[pid] == nil then
            multi_call(nodes, {"register", name, pid, op[4]})
            result = "yes"
          else
            result = "no"
          end
        elseif op[1] == "re_register" then
          multi_call(nodes, {"register", op[2], op[3], op[4]})
          result = "yes"
        else
          multi_call(nodes, {"unregister", op[2]})
          result = "ok"
        end
        del_lock_nodes(st, id, nodes, me)
        return result
      end
      del_lock_nodes(st, id, nodes, me)
    end
    random_sleep(times, rng)
    times = times + 1
  end
end

local function registrar(st)
  local rng = make_rng(st.node .. tostring(otp.self()))
  while true do
    local m = otp.receive({tag = "$greg"})
    gen.reply(m.from, registrar_op(st, m.op, rng))
  end
end

local function server(parent, ref)
  local st = {node = otp.node(), pid = otp.self(), names = {}, pid_names = {}, mons = {},
              known = {}, pending = {}, sessions = {}, removing = {}, lost = {}, waiters = {},
              lock = nil, lock_refs = {}}
  local previous = replicas[st.node]
  replicas[st.node] = st
  if not pcall(otp.register, NAME, st.pid) then
    replicas[st.node] = previous
    gen.ack(parent, ref, "already_started")
    return
  end
  otp.process_flag("trap_exit", true)
  otp.monitor_nodes(true)
  st.registrar = otp.spawn_link(function() registrar(st) end)
  gen.ack(parent, ref, "ok")
  for _, n in ipairs(otp.nodes()) do handle_nodeup(st, n) end
  while true do
    local m = otp.receive()
    local tag = type(m) == "table" and m.tag
    if tag == gen.CALL then handle_call(st, m.from, m.req)
    elseif tag == "DOWN" then handle_down(st, m)
    elseif tag == "nodeup" then handle_nodeup(st, m.node)
    elseif tag == "nodedown" then handle_nodedown(st, m.node, "disconnected")
    elseif tag == "$gextra_nodedown" then
      if not connected(m.node) then handle_nodedown(st, m.node, "disconnected") end
    elseif tag == "$gnew_nodes" then handle_new_nodes(st, m)
    elseif tag == "$gdel_lock" then del_lock(st, m.id, m.holder)
    elseif tag == "$ginit_connect" then
      local n = m.node
      if st.node < n and not st.known[n] and not st.sessions[n] and connected(n) then
        st.pending[n] = true
        start_session(st, n)
      end
    elseif tag == "$glost_connection" then handle_lost_connection(st, m)
    elseif tag == "$gremove_connection" then handle_remove_connection(st, m.node)
    elseif tag == "EXIT" then
      if m.from == st.registrar then otp.exit({"registrar_died", m.reason}) end
      for _, n in ipairs(sorted_keys(st.sessions)) do
        if st.sessions[n].locker == m.from then st.sessions[n] = nil end
      end
    end
  end
end

start_server = function()
  return gen.start(false, nil, server)
end

-- The running server's replica on this node (starting the server if needed).
local function replica(fname)
  if not inside() then error(fname .. ": only inside a process (or give a node)", 3) end
  local node = otp.node()
  for _ = 1, 100 do
    local st, pid = replicas[node], otp.whereis(NAME)
    if st and pid and st.pid == pid then return st end
    if not pid then start_server() else otp.sleep(0.001) end
  end
  error(fname .. ": global_name_server does not start", 3)
end

-- A node's replica, read from anywhere (nil when its server is not running).
local function peek(node)
  local st = replicas[node]
  if st and otp.whereis(NAME, node) == st.pid then return st end
  return nil
end

local function check_name(name, fname)
  if type(name) ~= "string" then error(fname .. ": a name is a string (badarg)", 3) end
end

-- ---- API -------------------------------------------------------------------------------------
function global.start()
  return replica("otp.global.start").pid
end

local function registration(fname, name, pid, resolve)
  check_name(name, fname)
  if not otp.is_pid(pid) then error(fname .. ": not a pid (badarg)", 3) end
  local method = resolve == nil and "random_exit_name" or resolve
  if not (type(method) == "function" or BUILTIN_METHODS[method]) then
    error(fname .. ": resolve must be a function or one of random_exit_name, " ..
          "random_notify_name, notify_all_name (badarg)", 3)
  end
  return replica(fname), method
end

-- "yes" or "no" (the name is taken, or pid already has a global name).
function global.register_name(name, pid, resolve)
  local st, method = registration("otp.global.register_name", name, pid, resolve)
  return gen.call(st.pid, {"registrar", {"register", name, pid, method}}, "infinity", "global")
end

-- Registers name for pid whatever it names now (global:re_register_name/2,3): "yes".
function global.re_register_name(name, pid, resolve)
  local st, method = registration("otp.global.re_register_name", name, pid, resolve)
  return gen.call(st.pid, {"registrar", {"re_register", name, pid, method}}, "infinity", "global")
end

function global.unregister_name(name)
  check_name(name, "otp.global.unregister_name")
  local st = replica("otp.global.unregister_name")
  if st.names[name] == nil then return "ok" end
  return gen.call(st.pid, {"registrar", {"unregister", name}}, "infinity", "global")
end

function global.whereis_name(name, node)
  check_name(name, "otp.global.whereis_name")
  local st
  if node ~= nil then st = peek(node)
  else st = replica("otp.global.whereis_name") end
  return st and where(st, name) or nil
end

function global.registered_names(node)
  local st
  if node ~= nil then st = peek(node)
  else st = replica("otp.global.registered_names") end
  return st and sorted_keys(st.names) or {}
end

function global.send(name, msg)
  check_name(name, "otp.global.send")
  local pid = global.whereis_name(name)
  if not pid then
    error(string.format("otp.global.send: no process registered globally as '%s' (badarg)", name), 2)
  end
  otp.send(pid, msg)
  return pid
end

-- Waits until this node is in sync with every node it is connected to (global:sync/0).
function global.sync()
  local st = replica("otp.global.sync")
  return gen.call(st.pid, {"sync"}, "infinity", "global")
end

-- otp.global.config{prevent_overlapping_partitions = b [, node = n]} → the settings in force
-- (for node, if given). Without node it sets the default of every node.
function global.config(opts)
  opts = opts or {}
  for k in pairs(opts) do
    if k ~= "prevent_overlapping_partitions" and k ~= "node" then
      error("otp.global.config: unknown option '" .. tostring(k) .. "'", 2)
    end
  end
  local pop = opts.prevent_overlapping_partitions
  if pop ~= nil and type(pop) ~= "boolean" then
    error("otp.global.config: prevent_overlapping_partitions must be a boolean", 2)
  end
  if opts.node ~= nil then
    node_conf[opts.node] = node_conf[opts.node] or {}
    if pop ~= nil then node_conf[opts.node].prevent_overlapping_partitions = pop end
    return {prevent_overlapping_partitions = pop_enabled(opts.node)}
  end
  if pop ~= nil then conf.prevent_overlapping_partitions = pop end
  return {prevent_overlapping_partitions = conf.prevent_overlapping_partitions}
end

-- What a node's server knows, for checks and debugging (not in OTP's API): nil when it is not
-- running.
function global.info(node)
  local st = node and peek(node) or (inside() and peek(otp.node()))
  if not st then return nil end
  local sessions = sorted_keys(st.sessions)
  return {node = st.node, pid = st.pid, known = sorted_keys(st.known), syncing = sessions,
          names = sorted_keys(st.names), locked = st.lock and st.lock.id or nil}
end

return global
