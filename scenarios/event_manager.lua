-- event_manager.lua — the book's freq_overload example: a frequency allocator reports what
-- happens to it through a gen_event manager, and raises alarms when it runs out of frequencies
-- and when its mailbox grows past a threshold under a burst of load.
--
-- "frequency" is a gen_server on a 1-core node handing out 10 radio frequencies; each allocation
-- costs it about 4 ms of CPU (exponential), so it serves ~250 requests/s. Clients arrive at
-- 100/s, then at 400/s for a two-second burst, then at 50/s until 6 s; each keeps its
-- frequency 50 ms. Watch what overload does: the releases (casts) queue behind the burst's
-- calls, so frequencies come back late and most requests of the burst are denied although the
-- pool would suffice.
-- The manager "freq_overload" has two handlers: a logger (a line per event) and a counter (per
-- event kind). The logger is a supervised handler (add_sup_handler) owned by a guard process,
-- which puts it back when it crashes — and it does crash once, on a malformed event.
--
-- The alarms: "no_frequency" while every frequency is taken; {"overload", "frequency"} when
-- the server's mailbox reaches `high` messages, cleared when it is empty again. Both go to the
-- node's SASL-style alarm manager (otp.alarm_handler: "alarm" trace events) and, as events, to
-- freq_overload. Run it twice: the trace-hash is the same.
--
--   otpsim run scenarios/event_manager.lua --set burst_rate=300 --set high=40

local base_rate  = sim.param("base_rate", 100)    -- requests per second before the burst
local burst_rate = sim.param("burst_rate", 400)   -- during the burst (2 s to 4 s)
local tail_rate  = sim.param("tail_rate", 50)     -- after it
local service_ms = sim.param("service_ms", 4)     -- mean CPU per request
local hold_ms    = sim.param("hold_ms", 50)       -- how long a client keeps its frequency
local high       = sim.param("high", 20)          -- mailbox length that raises the overload alarm
local duration   = sim.param("duration", "8s")

sim.node("radio", {cores = 1})
sim.node("clients", {cores = 2})

local OVERLOAD = {"overload", "frequency"}

-- ---- freq_overload: the event manager and its API (the book's freq_overload.erl) ------------

local freq_overload = {}

function freq_overload.event(ev) otp.gen_event.notify({"freq_overload", "radio"}, {"event", ev}) end

function freq_overload.set_alarm(id, description)
  otp.alarm_handler.set_alarm(id, description)
  otp.gen_event.notify({"freq_overload", "radio"}, {"set_alarm", {id, description}})
end

function freq_overload.clear_alarm(id)
  otp.alarm_handler.clear_alarm(id)
  otp.gen_event.notify({"freq_overload", "radio"}, {"clear_alarm", id})
end

-- The logger: one line per event into its "file" (a table outside the manager, so that, like
-- the book's log file, it outlives the handler); overload alarms are also printed. A malformed
-- event (not a {kind, what} pair) crashes it — on purpose, to show the supervised handler being
-- put back.
local log_file = {}
local Logger = {name = "logger"}
function Logger.init(file_name) return "ok", {file = file_name, lines = 0} end
function Logger.handle_event(ev, s)
  local kind, what = ev[1], ev[2]
  local line = string.format("%.3f %s %s", otp.now() / 1000, kind, otp._render(what))
  log_file[#log_file + 1] = line
  s.lines = s.lines + 1
  if kind ~= "event" and line:find('"overload"', 1, true) then print(s.file .. ": " .. line) end
  if what == "malformed" then error("cannot log a malformed event") end
  return "ok", s
end
function Logger.handle_call(req, s)
  if req == "lines" then return "ok", s.lines, s end
  return "ok", {error = "bad_query"}, s
end

-- The counters: how many events of each kind ("frequency_denied", "set_alarm", ...).
local Counters = {name = "counters"}
function Counters.init() return "ok", {} end
function Counters.handle_event(ev, counts)
  local key = ev[1] == "event" and type(ev[2]) == "table" and ev[2][1] or ev[1]
  counts[key] = (counts[key] or 0) + 1
  return "ok", counts
end
function Counters.handle_call(req, counts)
  if req == "get" then return "ok", counts, counts end
  return "ok", {error = "bad_query"}, counts
end

-- The guard owns the logger (add_sup_handler) and reinstalls it after a crash; it gives up on
-- any other reason (normal: deleted; shutdown: the manager stops).
local guard_log = {}
local function guard()
  while true do
    local r = otp.gen_event.add_sup_handler({"freq_overload", "radio"}, Logger, "freq_overload.log")
    guard_log[#guard_log + 1] = {otp.now(), "added", r}
    local m = otp.receive({tag = "gen_event_EXIT"})
    guard_log[#guard_log + 1] = {otp.now(), "gen_event_EXIT", m.reason[1] or m.reason}
    if type(m.reason) ~= "table" or m.reason[1] ~= "EXIT" then return end
  end
end

-- ---- the frequency server -----------------------------------------------------------------

local service = sim.exp(service_ms)

local Frequency = {}
function Frequency.init(n)
  local free = {}
  for f = 1, n do free[f] = 100 + f end
  return "ok", {free = free, overloaded = false}
end

-- The book's server raises no_frequency itself; here it also watches its own mailbox.
local function watch_mailbox(s)
  local queued = otp.process_info().message_queue_len
  if not s.overloaded and queued >= high then
    s.overloaded = true
    freq_overload.set_alarm(OVERLOAD, {queue = queued})
  elseif s.overloaded and queued == 0 then
    s.overloaded = false
    freq_overload.clear_alarm(OVERLOAD)
  end
end

function Frequency.handle_call(req, from, s)
  otp.work(service)
  watch_mailbox(s)
  if req == "allocate" then
    local f = table.remove(s.free)
    if not f then
      freq_overload.event({"frequency_denied", from.pid})
      return "reply", {error = "no_frequency"}, s
    end
    if #s.free == 0 then freq_overload.set_alarm("no_frequency", {last = f}) end
    return "reply", {ok = f}, s
  end
  return "reply", {error = "bad_request"}, s
end

function Frequency.handle_cast(msg, s)
  watch_mailbox(s)
  if msg.deallocate then
    if #s.free == 0 then freq_overload.clear_alarm("no_frequency") end
    table.insert(s.free, msg.deallocate)
  end
  return "noreply", s
end

-- ---- the world ----------------------------------------------------------------------------

local sent, served, denied = 0, 0, 0

local function client()
  local r = otp.gen_server.call({"frequency", "radio"}, "allocate", 10000)
  if r.ok then
    served = served + 1
    otp.sleep(hold_ms)
    otp.gen_server.cast({"frequency", "radio"}, {deallocate = r.ok})
  else
    denied = denied + 1
  end
end

sim.spawn("radio", function()
  assert(otp.gen_event.start({name = "freq_overload"}))
  otp.gen_event.add_handler("freq_overload", Counters, nil)
  otp.spawn(guard)
  assert(otp.gen_server.start(Frequency, 10, {name = "frequency"}))
end)

local function rate_at(ms)
  if ms < 2000 then return base_rate elseif ms < 4000 then return burst_rate end
  return tail_rate
end

sim.spawn("clients", function()
  otp.sleep(10)
  while otp.now() < 6000 do
    otp.sleep(-1000 / rate_at(otp.now()) * math.log(1 - math.random()))  -- Poisson arrivals
    sent = sent + 1
    otp.spawn(client)
  end
end)

sim.at("1s", function() freq_overload.event("malformed") end)

sim.every("1s", function()
  local info = otp.process_info(otp.whereis("frequency", "radio"))
  print(string.format("t=%ds sent %d served %d denied %d, frequency mailbox %d",
    sim.now() // 1000, sent, served, denied, info and info.message_queue_len or -1))
end, {to = duration})

sim.run{duration = duration}

-- Collect the handlers' views and the alarm list from inside the node.
local final = {}
sim.spawn("radio", function()
  final.counts = otp.gen_event.call("freq_overload", Counters, "get")
  final.logged = otp.gen_event.call("freq_overload", Logger, "lines") -- since it was put back
  final.handlers = otp.gen_event.which_handlers("freq_overload")
  final.alarms = otp.alarm_handler.get_alarms()
end)
sim.run{duration = "100ms"}

local function alarm_times(op, id)
  local times = {}
  for _, line in ipairs(log_file) do
    local t, kind, what = line:match("^(%S+) (%S+) (.*)$")
    if kind == op and what:find(id, 1, true) then times[#times + 1] = tonumber(t) end
  end
  return times
end

sim.check("every request answered: served + denied = sent", function()
  return served + denied == sent and sent > 0, string.format("%d + %d of %d", served, denied, sent)
end)
sim.check("the overload alarm was raised during the burst, once, and cleared after it", function()
  local set, clear = alarm_times("set_alarm", '"overload"'), alarm_times("clear_alarm", '"overload"')
  local ok = #set == 1 and #clear == 1 and set[1] >= 2 and set[1] < 4 and clear[1] > 4
  return ok, string.format("set at %s s, cleared at %s s", table.concat(set, ","), table.concat(clear, ","))
end)
sim.check("no alarm is left active at the end", function()
  return final.alarms and #final.alarms == 0, otp._render(final.alarms)
end)
sim.check("the counter saw every denial the clients saw", function()
  local c = final.counts or {}
  return c.frequency_denied == denied and denied > 0,
         string.format("counted %s, clients saw %d", tostring(c.frequency_denied), denied)
end)
sim.check("each kind of alarm was set as often as cleared", function()
  local c = final.counts or {}
  return c.set_alarm == c.clear_alarm and (c.set_alarm or 0) >= 2,
         string.format("%s set, %s cleared", tostring(c.set_alarm), tostring(c.clear_alarm))
end)
sim.check("the logger crashed once on the malformed event and was put back by its guard", function()
  local exits, adds = 0, 0
  for _, g in ipairs(guard_log) do
    if g[2] == "gen_event_EXIT" and g[3] == "EXIT" then exits = exits + 1 end
    if g[2] == "added" and g[3] == "ok" then adds = adds + 1 end
  end
  local installed = false
  for _, h in ipairs(final.handlers or {}) do installed = installed or h == Logger end
  return exits == 1 and adds == 2 and installed, string.format("%d crash, %d adds", exits, adds)
end)
sim.check("the log file has one line per event (across the logger's crash)", function()
  local c, total = final.counts or {}, 0
  for _, n in pairs(c) do total = total + n end
  -- the malformed event was written before the logger crashed; the counter counts it as "event"
  return #log_file == total and final.logged < total,
         string.format("%d lines, %d events, %s since the restart", #log_file, total, tostring(final.logged))
end)
