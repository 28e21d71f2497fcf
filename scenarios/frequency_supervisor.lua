-- frequency_supervisor.lua — the book's frequency allocator (Cesarini & Vinoski, "Designing for
-- Scalability with Erlang/OTP", ch. 4 frequency.erl, supervised as in ch. 8 frequency_sup.erl)
-- under a crash.
--
-- frequency_sup (rest_for_one, intensity 2, period 3600 s) starts freq_overload, then frequency
-- (permanent, shutdown 2000, worker), both registered. frequency hands out the frequencies
-- 10..15: allocate → {"ok", f} or {"error", "no_frequency"}; deallocate is a cast. It reports
-- to freq_overload as the book's version does (no_frequency when it hands out the last one,
-- frequency_denied when it has none, frequency_available when one comes back); freq_overload
-- here is a counting gen_server standing in for the book's gen_event manager.
--
-- Eight clients (more than there are frequencies), under their own simple_one_for_one
-- supervisor, allocate, hold the frequency for a call, free it, think, and start again. As in the
-- book's process version (ch. 3), the allocator links to a client while it holds a frequency and
-- traps exits. At 5 s a buggy client frees the frequency "eleven" and the allocator crashes
-- (let it crash). The supervisor restarts it with a fresh state (every frequency free) and,
-- rest_for_one, leaves freq_overload alone; the clients that held a frequency die with the old
-- allocator (the link) and are restarted by their supervisor, so nobody keeps a frequency the
-- new allocator hands out again. (Without the link, the book's ch. 4 version hands a held
-- frequency out twice after a restart.)
--
-- Checks: no frequency is ever held by two live clients at once; the allocator restarted exactly
-- once and freq_overload not at all; frequency_sup is alive with both children; the holders were
-- restarted; every failed call failed at the crash; clients kept being served after it; at the
-- end every frequency is free; freq_overload counted what the allocator reported.
--
--   otpsim run scenarios/frequency_supervisor.lua --seed 3 --set clients=12

local n_clients = sim.param("clients", 8)
local crash_at  = sim.param("crash_at_ms", 5000)   -- when the allocator crashes
local stop_at   = sim.param("stop_at_ms", 20000)   -- when clients stop starting calls
local hold_ms   = sim.param("hold_ms", 400)      -- mean call duration
local think_ms  = sim.param("think_ms", 300)     -- mean time between calls

sim.node("bsc", {cores = 2})

local FREQUENCIES = {10, 11, 12, 13, 14, 15}

-- ---- freq_overload: counts the allocator's events -----------------------------------------
local Overload = {}
function Overload.init() return "ok", {no_frequency = 0, frequency_denied = 0, frequency_available = 0} end
function Overload.handle_cast(event, counts)
  counts[event] = counts[event] + 1
  return "noreply", counts
end
function Overload.handle_call(req, from, counts) return "reply", counts, counts end

-- ---- frequency: the allocator ----------------------------------------------------------------
-- As in the book's process version (ch. 3), the allocator links to a client while it holds a
-- frequency and traps exits: a client that dies gives its frequency back, and if the allocator
-- crashes its clients die with it, so nobody keeps a frequency the restarted allocator will hand
-- out again.
local Frequency = {}
function Frequency.init()
  otp.process_flag("trap_exit", true)
  local free = {}
  for i, f in ipairs(FREQUENCIES) do free[i] = f end
  return "ok", {free = free, allocated = {}}     -- allocated: frequency -> client pid
end

local function give_back(s, f)
  if #s.free == 0 then otp.gen_server.cast("freq_overload", "frequency_available") end
  s.allocated[f] = nil
  s.free[#s.free + 1] = f
end

function Frequency.handle_call(req, from, s)
  if req[1] == "allocate" then
    if #s.free == 0 then
      otp.gen_server.cast("freq_overload", "frequency_denied")
      return "reply", {"error", "no_frequency"}, s
    end
    local f = table.remove(s.free, 1)
    if #s.free == 0 then otp.gen_server.cast("freq_overload", "no_frequency") end
    s.allocated[f] = req[2]
    otp.link(req[2])
    return "reply", {"ok", f}, s
  end
end
function Frequency.handle_cast(msg, s)
  if msg[1] == "deallocate" then
    local f = msg[2]
    if math.type(f) ~= "integer" then error("bad frequency " .. tostring(f)) end  -- let it crash
    local pid = s.allocated[f]
    if pid then
      otp.unlink(pid)
      give_back(s, f)
    end
    return "noreply", s
  end
  return "stop", "normal", s
end
function Frequency.handle_info(m, s)
  if type(m) == "table" and m.tag == "EXIT" then     -- a client died holding a frequency
    for f, pid in pairs(s.allocated) do
      if pid == m.from then give_back(s, f) end
    end
  end
  return "noreply", s
end

local function allocate() return otp.gen_server.call("frequency", {"allocate", otp.self()}) end
local function deallocate(f) otp.gen_server.cast("frequency", {"deallocate", f}) end

-- ---- the supervisor ---------------------------------------------------------------------------
local function child(id, mod)
  return {id = id, restart = "permanent", shutdown = 2000, type = "worker",
          start = function() return otp.gen_server.start_link(mod, nil, {name = id}) end}
end

local sup
sim.spawn("bsc", function()
  sup = otp.supervisor.start_link({strategy = "rest_for_one", intensity = 2, period = 3600},
                                  {child("freq_overload", Overload), child("frequency", Frequency)},
                                  {name = "frequency_sup"})
  otp.receive()                                  -- the supervisor's parent stays up
end)

-- ---- clients --------------------------------------------------------------------------------
-- Clients run under their own simple_one_for_one supervisor (transient: one that ends normally
-- stays down; one killed with the allocator is restarted).
local holder = {}          -- frequency -> pid of the client holding it, as the clients see it
local double_holds = 0
local served, denied, served_after_crash, client_starts = 0, 0, 0, 0
local failures = {}        -- {time, reason} of calls that exited
local hold, think = sim.exp(hold_ms), sim.exp(think_ms)
local stopping = false

local function client(i)
  local me = otp.self()
  while not stopping do
    local ok, r = pcall(allocate)
    if not ok then
      failures[#failures + 1] = {otp.now(), type(r) == "table" and r.reason or r}
      otp.sleep(50)
    elseif r[1] == "ok" then
      local f = r[2]
      local other = holder[f]
      if other and other ~= me and otp.is_alive(other) then double_holds = double_holds + 1 end
      holder[f] = me
      served = served + 1
      if otp.now() > crash_at then served_after_crash = served_after_crash + 1 end
      otp.sleep(hold:sample())
      holder[f] = nil
      deallocate(f)
      otp.sleep(think:sample())
    else
      denied = denied + 1
      otp.sleep(100)
    end
  end
end

sim.spawn("bsc", function()
  local clients = otp.supervisor.start_link(
    {strategy = "simple_one_for_one", intensity = 10, period = 1},
    {{id = "client", restart = "transient", shutdown = "brutal_kill",
      start = function(i) client_starts = client_starts + 1; return otp.spawn_link(client, i) end}},
    {name = "client_sup"})
  for i = 1, n_clients do
    otp.sleep(10)
    otp.supervisor.start_child(clients, {i})
  end
  otp.receive()
end)

-- ---- the crash -------------------------------------------------------------------------------
local pids = {frequency = {}, freq_overload = {}}
local function note_pids()
  for id in pairs(pids) do
    local p = otp.whereis(id)
    local list = pids[id]
    if p and list[#list] ~= p then list[#list + 1] = p end
  end
end
sim.every(100, note_pids, {to = stop_at})

sim.at(crash_at, function()
  note_pids()
  print("a buggy client frees frequency \"eleven\": the allocator crashes")
  otp.gen_server.cast("frequency", {"deallocate", "eleven"})
end)

sim.at(stop_at, function() stopping = true end)

local final = {}
sim.at(stop_at + 3000, function()
  note_pids()
  sim.spawn("bsc", function()
    final.state = otp.sys.get_state("frequency")
    final.overload = otp.gen_server.call("freq_overload", "counts")
    final.sup_alive = otp.is_alive(sup)
    final.which = otp.supervisor.which_children("frequency_sup")
  end)
end)

sim.at(stop_at + 3001, function()
  print(string.format("served %d (%d after the crash), denied %d, failed calls %d",
                      served, served_after_crash, denied, #failures))
end)

sim.check("no frequency held by two live clients at once", function()
  return double_holds == 0, string.format("%d double holds", double_holds)
end)
sim.check("the allocator was restarted exactly once, freq_overload never", function()
  return #pids.frequency == 2 and #pids.freq_overload == 1,
         string.format("frequency pids %d, freq_overload pids %d", #pids.frequency, #pids.freq_overload)
end)
sim.check("the supervisor survived and lists both children running", function()
  local w = final.which or {}
  return final.sup_alive and #w == 2 and w[1].id == "frequency" and w[1].pid == pids.frequency[2]
         and w[2].id == "freq_overload" and w[2].pid == pids.freq_overload[1]
end)
sim.check("the clients holding a frequency died with the allocator and were restarted", function()
  return client_starts > n_clients and client_starts <= n_clients + #FREQUENCIES,
         string.format("%d client starts for %d clients", client_starts, n_clients)
end)
sim.check("every failed call failed at the crash", function()
  for _, f in ipairs(failures) do
    if f[1] < crash_at or f[1] > crash_at + 10 then return false, "failure at " .. f[1] end
  end
  return true, string.format("%d failed calls", #failures)
end)
sim.check("clients were served after the crash; denied only when they outnumber the frequencies", function()
  return served_after_crash > 0 and (denied > 0) == (n_clients > #FREQUENCIES),
         string.format("served after crash %d, denied %d", served_after_crash, denied)
end)
sim.check("every frequency is free at the end", function()
  local s = final.state
  if not s then return false, "no state" end
  local free = {table.unpack(s.free)}
  table.sort(free)
  local none_allocated = next(s.allocated) == nil
  return none_allocated and table.concat(free, ",") == table.concat(FREQUENCIES, ","),
         "free " .. table.concat(free, ",")
end)
sim.check("freq_overload counted every denial; no_frequency at least as often as frequency_available", function()
  local c = final.overload or {}
  return c.frequency_denied == denied and (c.no_frequency or 0) >= (c.frequency_available or 0),
         string.format("no_frequency %s, frequency_denied %s (clients saw %d), frequency_available %s",
                       c.no_frequency, c.frequency_denied, denied, c.frequency_available)
end)
