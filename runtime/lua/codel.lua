-- codel.lua — otp.codel: a CoDel-managed admission queue (otp-semantics.md §7.2), following
-- safetyvalve's sv_codel.erl (a translation of the ACM reference pseudocode, Nichols & Jacobson,
-- "Controlling Queue Delay", 2012) inside an sv_queue-style server: a concurrency cap, a bounded
-- queue, ask / done, waiting and running clients monitored.
--
-- CoDel acts only when a job leaves the queue (here: when a running slot is freed):
--   * sojourn = now - enqueue time. Below `target` nothing happens and first_above_time is
--     cleared. The first sojourn at or above target sets first_above_time = now + interval;
--     from then on, a dequeue with now >= first_above_time (still above target) is a drop.
--   * entering the dropping state drops that job and serves the next one; count = 1, or
--     count - 2 if the previous dropping state ended less than an interval ago and count > 2;
--     drop_next = now + interval / sqrt(count).
--   * while dropping, each dequeue with now >= drop_next drops and takes the next job, count
--     grows by 1 and drop_next = drop_next + interval / sqrt(count) (the control law); a
--     sojourn below target, or an empty queue, leaves the dropping state.
-- sv_queue answers dropped clients {error, overload}; otp.codel answers nil, "dropped". A full
-- queue answers the new client nil, "queue_full" (sv: {error, queue_full}). sbroker's
-- sbroker_codel_queue differs: it can drop on enqueue and on timeouts too, and its defaults
-- are target 100 ms, interval 1000 ms (sv_codel: 5 ms, 100 ms, used here).
--
-- Every drop and full-queue rejection is a "regulator" trace event (codel = name, event = drop
-- | reject | client_down) and a metrics counter codel.<name>.<what>.
local otp, gen = ...
local M = {}

local PREFIX = "codel."

-- ---- the CoDel queue, a plain data structure (also usable on its own) -----------------------
local Q = {}
Q.__index = Q

-- otp.codel.queue{target = 5, interval = 100} → q with q:push(item, now), q:pop(now) → item |
-- nil, dropped items (a list), q:len(), q:state(), q:remove(pred).
function M.queue(opts)
  opts = opts or {}
  local target, interval = opts.target or 5, opts.interval or 100
  if type(target) ~= "number" or type(interval) ~= "number" or target < 0 or interval <= 0 then
    error("otp.codel: target must be >= 0 and interval > 0 (ms)", 2)
  end
  if target > interval then error("otp.codel: target > interval (sv_codel: misconfiguration)", 2) end
  return setmetatable({target = target, interval = interval, first = 1, last = 0, items = {},
                       dropping = false, drop_next = 0, first_above_time = nil, count = 0}, Q)
end

function Q:len() return self.last - self.first + 1 end

function Q:push(item, now)
  self.last = self.last + 1
  self.items[self.last] = {item = item, ts = now}
end

-- Removes the queued items for which pred(item) is true (dead waiters); returns how many.
function Q:remove(pred)
  local kept, n = {}, 0
  for i = self.first, self.last do
    local e = self.items[i]
    if pred(e.item) then n = n + 1 else kept[#kept + 1] = e end
  end
  self.items, self.first, self.last = kept, 1, #kept
  return n
end

function Q:state()
  return {len = self:len(), dropping = self.dropping, count = self.count,
          drop_next = self.drop_next, first_above_time = self.first_above_time,
          target = self.target, interval = self.interval}
end

local function control_law(t, interval, count) return t + interval / math.sqrt(count) end

-- sv_codel dodequeue: the head and whether it is "ok to drop".
local function dodequeue(self, now)
  if self.first > self.last then
    self.first_above_time = nil
    return false, nil
  end
  local e = self.items[self.first]
  self.items[self.first] = nil
  self.first = self.first + 1
  local sojourn = now - e.ts
  if sojourn < self.target then
    self.first_above_time = nil
    return false, e
  elseif self.first_above_time == nil then
    self.first_above_time = now + self.interval
    return false, e
  elseif now >= self.first_above_time then
    return true, e
  end
  return false, e
end

-- The next item to serve (nil if none) and the list of items dropped on the way, each as
-- {item = x, ts = enqueued, sojourn = ms}.
function Q:pop(now)
  local dropped = {}
  local function drop(e) dropped[#dropped + 1] = {item = e.item, ts = e.ts, sojourn = now - e.ts} end
  local ok_to_drop, e = dodequeue(self, now)
  if self.dropping then
    if not ok_to_drop then
      self.dropping = false
    else
      while self.dropping and now >= self.drop_next do
        drop(e)
        ok_to_drop, e = dodequeue(self, now)
        if not ok_to_drop then
          self.dropping = false
        else
          self.count = self.count + 1
          self.drop_next = control_law(self.drop_next, self.interval, self.count)
        end
      end
    end
  elseif ok_to_drop then
    -- dequeue_start_drop: drop this one; resume up the control law if we dropped recently
    drop(e)
    if now - self.drop_next < self.interval and self.count > 2 then
      self.count = self.count - 2
    else
      self.count = 1
    end
    self.dropping = true
    self.drop_next = control_law(now, self.interval, self.count)
    local item, more = self:pop(now)
    for _, d in ipairs(more) do dropped[#dropped + 1] = d end
    return item, dropped
  end
  return e and e.item, dropped
end

-- ---- the server -----------------------------------------------------------------------------
local Server = {}

local function event(s, ev, ...) otp._trace("regulator", "codel", s.name, "event", ev, ...) end
local function count(s, what) otp._count("codel." .. s.name .. "." .. what, 1) end

local function go(s, c)
  s.running[c.mref] = c.pid
  s.running_n = s.running_n + 1
  s.stats.dispatched = s.stats.dispatched + 1
  count(s, "dispatched")
  otp.gen_server.reply(c.from, {"ok", {server = otp.self(), ref = c.mref, queue = s.name}})
end

-- sv_queue process_queue: fill the free slots from the CoDel queue.
local function process(s)
  local now = otp.now()
  while s.running_n < s.concurrency do
    local c, dropped = s.q:pop(now)
    for _, d in ipairs(dropped) do
      otp.demonitor(d.item.mref, {flush = true})
      s.waiting[d.item.mref] = nil
      s.stats.dropped = s.stats.dropped + 1
      event(s, "drop", "sojourn", d.sojourn, "count", s.q.count)
      count(s, "dropped")
      otp.gen_server.reply(d.item.from, {"error", "dropped"})
    end
    if not c then break end
    s.waiting[c.mref] = nil
    go(s, c)
  end
end

function Server.init(a)
  return "ok", {name = a.name, q = M.queue(a), concurrency = a.concurrency or 1, size = a.size,
                running = {}, running_n = 0, waiting = {},
                stats = {dispatched = 0, dropped = 0, queue_full = 0, done = 0, client_down = 0}}
end

function Server.handle_call(req, from, s)
  local op = req[1]
  if op == "ask" then
    local c = {from = from, pid = from.pid}
    if s.running_n < s.concurrency and s.q:len() == 0 then
      c.mref = otp.monitor(from.pid)
      go(s, c)
    elseif s.size and s.q:len() >= s.size then
      s.stats.queue_full = s.stats.queue_full + 1
      event(s, "reject", "reason", "queue_full", "queued", s.q:len())
      count(s, "queue_full")
      return "reply", {"error", "queue_full"}, s
    else
      c.mref = otp.monitor(from.pid)      -- dead waiters are pruned (safetyvalve 2.4+)
      s.waiting[c.mref] = true
      s.q:push(c, otp.now())
    end
    return "noreply", s
  elseif op == "done" then
    local ref = req[2]
    if s.running[ref] then
      otp.demonitor(ref, {flush = true})
      s.running[ref] = nil
      s.running_n = s.running_n - 1
      s.stats.done = s.stats.done + 1
      process(s)
    end
    return "reply", "ok", s
  elseif op == "info" then
    local st = s.q:state()
    st.name, st.running, st.concurrency, st.size = s.name, s.running_n, s.concurrency, s.size
    for k, v in pairs(s.stats) do st[k] = v end
    return "reply", st, s
  end
  return "reply", {"error", "badarg"}, s
end

function Server.handle_info(m, s)
  if type(m) == "table" and m.tag == "DOWN" then
    if s.running[m.ref] then
      s.running[m.ref] = nil
      s.running_n = s.running_n - 1
      s.stats.client_down = s.stats.client_down + 1
      event(s, "client_down", "reason", m.reason)
      count(s, "client_down")
      process(s)
    elseif s.waiting[m.ref] then
      s.waiting[m.ref] = nil
      s.q:remove(function(c) return c.mref == m.ref end)
    end
  end
  return "noreply", s
end

-- ---- the API --------------------------------------------------------------------------------
local function server(name)
  if otp.is_pid(name) then return name end
  if type(name) == "table" then return {PREFIX .. name[1], name[2]} end
  return PREFIX .. name
end

-- Starts the CoDel queue `name` (registered as "codel.<name>"). opts: target (ms, 5),
-- interval (ms, 100), concurrency (1), size (max queued; nil = unbounded), node, link.
function M.start(name, opts)
  opts = opts or {}
  if type(name) ~= "string" then error("otp.codel.start: the name must be a string", 2) end
  M.queue(opts) -- validates target and interval
  local c = opts.concurrency or 1
  if type(c) ~= "number" or c < 1 then error("otp.codel.start: concurrency must be >= 1", 2) end
  local args = {name = name, target = opts.target, interval = opts.interval, concurrency = c,
                size = opts.size}
  local start = opts.link and otp.gen_server.start_link or otp.gen_server.start
  return start(Server, args, {name = PREFIX .. name, node = opts.node})
end

-- Blocks until served: "ok", opaque | nil, "dropped" | nil, "queue_full".
function M.ask(name)
  local r = gen.call(server(name), {"ask"}, "infinity", "codel")
  if r[1] == "ok" then return "ok", r[2] end
  return nil, r[2]
end

-- Frees the slot (synchronous, as sv:done/3); the freed slot dequeues through CoDel.
function M.done(opaque)
  if type(opaque) ~= "table" or not opaque.server then return "ok" end
  return gen.call(opaque.server, {"done", opaque.ref}, "infinity", "codel")
end

-- ask, fn(...), done. Returns fn's results, or nil, "dropped" | "queue_full".
function M.run(name, fn, ...) return gen.regulated_run(M.ask, M.done, name, fn, ...) end

-- The CoDel state and statistics: len, dropping, count, drop_next, running, dispatched,
-- dropped, queue_full, done, client_down.
function M.info(name) return gen.call(server(name), {"info"}, nil, "codel") end

function M.server_name(name) return PREFIX .. name end

return M
