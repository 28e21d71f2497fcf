-- jobs.lua — otp.jobs: Ulf Wiger's jobs load regulator (otp-semantics.md §7.1), one regulator
-- server (a gen_server registered as "jobs.<queue>") per queue. A client asks for permission
-- and blocks until it is dispatched, rejected (queue full) or timed out (queued too long);
-- `done` (or the client's death, watched with a monitor) hands a counter slot back.
--
-- What follows jobs_server.erl / jobs_queue.erl exactly:
--   * regulators: rate (N per second: the dispatch interval is 1000/N ms and a check may
--     dispatch trunc((now - latest_dispatch) / interval) jobs; the very first dispatch is
--     immediate; rate 0 dispatches nothing) and counter (N concurrent slots). The number
--     dispatched by a check is the minimum over the regulators.
--   * max_size: a full queue first purges its timed-out jobs ({error, timeout}); if none timed
--     out the NEW request is rejected (tail drop). If the queue is full and the server's own
--     mailbox holds more than 100 messages, the request is rejected at once, without purging.
--   * max_time (ms): queued jobs that old are answered timeout, at the next check or timer.
--   * dead clients are not removed from the queue: a dead client is dispatched (its rate
--     dispatch is spent), its monitor fires at once and the counter slot comes back.
-- Deviations (see docs/regulation.md): a queue with no regulator dispatches at once (jobs would
-- dispatch nothing); a job times out when its age reaches max_time (jobs: exceeds it, on µs
-- timestamps — one clock tick); a second `done` for the same opaque is ignored; no samplers,
-- group rates, named counters or producer/passive queues.
--
-- Every reject, timeout and client death is a "regulator" trace event (queue = name, event =
-- reject | timeout | client_down, ...) and a metrics counter jobs.<queue>.<what>.
local otp, gen = ...
local M = {}

local PREFIX = "jobs."
local EPS = 1e-6          -- relative slack for float rounding of the dispatch interval
local MIN_DELAY = 1e-6    -- one nanosecond: a timer never fires in the past
local MAILBOX_OVERLOAD = 100

local function event(q, ev, ...) otp._trace("regulator", "queue", q.name, "event", ev, ...) end
local function count(q, what, n) otp._count("jobs." .. q.name .. "." .. what, n or 1) end

-- ---- the waiting jobs: a deque in arrival order ---------------------------------------------
local function dq_len(d) return d.last - d.first + 1 end
local function dq_push(d, v) d.last = d.last + 1; d.items[d.last] = v end
local function dq_head(d) return d.items[d.first] end
local function dq_shift(d)
  if d.first > d.last then return nil end
  local v = d.items[d.first]
  d.items[d.first] = nil
  d.first = d.first + 1
  return v
end
local function dq_pop(d)
  if d.first > d.last then return nil end
  local v = d.items[d.last]
  d.items[d.last] = nil
  d.last = d.last - 1
  return v
end

-- ---- the server -----------------------------------------------------------------------------
local Server = {}

local function reply(from, v) otp.gen_server.reply(from, v) end

local function reject(q, from, why)
  q.stats.rejected = q.stats.rejected + 1
  event(q, "reject", "reason", why, "queued", dq_len(q.waiting))
  count(q, "rejected")
  reply(from, {"error", "rejected"})
end

-- Answers timeout to every queued job whose age reached max_time; returns how many.
local function expire(q, now)
  if not q.max_time then return 0 end
  local n = 0
  while dq_len(q.waiting) > 0 and now - dq_head(q.waiting).ts >= q.max_time do
    local j = dq_shift(q.waiting)
    n = n + 1
    q.stats.timeouts = q.stats.timeouts + 1
    event(q, "timeout", "waited", now - j.ts)
    count(q, "timeout")
    reply(j.from, {"error", "timeout"})
  end
  return n
end

-- How many jobs the regulators let through now (math.huge: no regulator).
local function available(q, now)
  local n = math.huge
  if q.rate then
    local r
    if q.rate == 0 then r = 0
    elseif q.latest == nil then r = 1                          -- initial dispatch
    elseif now > q.latest then r = math.floor((now - q.latest) / q.interval + EPS)
    else r = 0 end
    if r < n then n = r end
  end
  if q.counter then
    local c = q.counter - q.running_n
    if c < 0 then c = 0 end
    if c < n then n = c end
  end
  return n
end

local function dispatch(q, j)
  local mref = otp.monitor(j.pid)
  q.running[mref] = j.pid
  q.running_n = q.running_n + 1
  q.stats.dispatched = q.stats.dispatched + 1
  count(q, "dispatched")
  reply(j.from, {"ok", {queue = q.name, server = otp.self(), ref = mref}})
end

-- The next check: when the oldest job times out, or when the rate lets the next one through.
local function arm_timer(q, now)
  if q.timer then otp.cancel_timer(q.timer); q.timer = nil end
  if dq_len(q.waiting) == 0 then return end
  local delay
  if q.max_time then delay = dq_head(q.waiting).ts + q.max_time - now end
  -- the rate's next slot, unless a full counter is what holds the queue (its release checks)
  if q.rate and q.rate > 0 and q.latest and (q.counter == nil or q.running_n < q.counter) then
    local d = q.latest + q.interval - now
    if d > 0 and (delay == nil or d < delay) then delay = d end
  end
  if delay then
    if delay < MIN_DELAY then delay = MIN_DELAY end
    q.timer = otp.send_after(delay, otp.self(), {tag = "$jobs_check"})
  end
end

-- jobs_server:perform_queue_check: time out, then dispatch what the regulators allow.
local function check(q)
  local now = otp.now()
  expire(q, now)
  if dq_len(q.waiting) > 0 then
    local n, d = available(q, now), 0
    while d < n and dq_len(q.waiting) > 0 do
      local j = (q.type == "lifo") and dq_pop(q.waiting) or dq_shift(q.waiting)
      dispatch(q, j)
      d = d + 1
    end
    if d > 0 then q.latest = now end
  end
  arm_timer(q, now)
end

local function release(q, ref)
  q.running[ref] = nil
  q.running_n = q.running_n - 1
end

local function apply_opts(q, o)
  -- false removes a regulator or a limit
  if o.rate == false then q.rate, q.interval = nil, nil
  elseif o.rate ~= nil then q.rate = o.rate; q.interval = o.rate > 0 and 1000 / o.rate or nil end
  for _, k in ipairs({"counter", "max_size", "max_time"}) do
    if o[k] == false then q[k] = nil elseif o[k] ~= nil then q[k] = o[k] end
  end
end

function Server.init(a)
  local q = {name = a.name, type = a.opts.type or "fifo",
             waiting = {first = 1, last = 0, items = {}}, running = {}, running_n = 0,
             stats = {dispatched = 0, rejected = 0, timeouts = 0, done = 0, client_down = 0}}
  apply_opts(q, a.opts)
  return "ok", q
end

function Server.handle_call(req, from, q)
  local op = req[1]
  if op == "ask" then
    if q.type == "approve" then
      q.stats.dispatched = q.stats.dispatched + 1
      count(q, "dispatched")
      return "reply", {"ok", {queue = q.name}}, q
    elseif q.type == "reject" then
      reject(q, from, "action")
      return "noreply", q
    end
    local now = otp.now()
    if q.max_size and dq_len(q.waiting) >= q.max_size then
      if otp.process_info(otp.self()).message_queue_len > MAILBOX_OVERLOAD then
        reject(q, from, "overload")                    -- no purge: the server is swamped
        return "noreply", q
      end
      if expire(q, now) == 0 then
        reject(q, from, "full")                        -- tail drop: the new request
        return "noreply", q
      end
    end
    dq_push(q.waiting, {ts = now, from = from, pid = from.pid})
    check(q)
    return "noreply", q
  elseif op == "info" then
    return "reply", {name = q.name, type = q.type, rate = q.rate, counter = q.counter,
                     max_size = q.max_size, max_time = q.max_time, queued = dq_len(q.waiting),
                     running = q.running_n, latest_dispatch = q.latest,
                     dispatched = q.stats.dispatched, rejected = q.stats.rejected,
                     timeouts = q.stats.timeouts, done = q.stats.done,
                     client_down = q.stats.client_down}, q
  elseif op == "modify" then
    apply_opts(q, req[2])
    check(q)
    return "reply", "ok", q
  elseif op == "delete" then
    -- jobs_server delete_queue: "for now, let's be very brutal": every waiting job is rejected
    while dq_len(q.waiting) > 0 do reject(q, dq_shift(q.waiting).from, "deleted") end
    return "stop", "normal", "ok", q
  end
  return "reply", {"error", "badarg"}, q
end

function Server.handle_cast(msg, q)
  if msg[1] == "done" then
    local ref = msg[2]
    if q.running[ref] then
      otp.demonitor(ref, {flush = true})
      release(q, ref)
      q.stats.done = q.stats.done + 1
      count(q, "done")
      check(q)
    end
  end
  return "noreply", q
end

function Server.handle_info(m, q)
  if type(m) == "table" then
    if m.tag == "$jobs_check" then
      check(q)
    elseif m.tag == "DOWN" and q.running[m.ref] then
      release(q, m.ref)
      q.stats.client_down = q.stats.client_down + 1
      event(q, "client_down", "reason", m.reason)
      count(q, "client_down")
      check(q)
    end
  end
  return "noreply", q
end

-- ---- the API --------------------------------------------------------------------------------
local function server(name)
  if otp.is_pid(name) then return name end
  if type(name) == "table" then return {PREFIX .. name[1], name[2]} end
  return PREFIX .. name
end

local function nonneg(v, what)
  if v ~= nil and v ~= false and (type(v) ~= "number" or v < 0) then
    error("otp.jobs: " .. what .. " must be a number >= 0 (or false)", 3)
  end
end

local function check_opts(opts)
  nonneg(opts.rate, "rate"); nonneg(opts.counter, "counter")
  nonneg(opts.max_size, "max_size"); nonneg(opts.max_time, "max_time")
end

-- Starts the regulator of queue `name` (registered as "jobs.<name>" on opts.node or here).
-- opts: rate, counter, max_size, max_time, type ("fifo" | "lifo" | "approve" | "reject"),
-- node, link (start_link). Returns the server's pid, or nil, reason.
function M.add_queue(name, opts)
  opts = opts or {}
  if type(name) ~= "string" then error("otp.jobs.add_queue: the queue name must be a string", 2) end
  check_opts(opts)
  local t = opts.type or "fifo"
  if t ~= "fifo" and t ~= "lifo" and t ~= "approve" and t ~= "reject" then
    error("otp.jobs.add_queue: type must be \"fifo\", \"lifo\", \"approve\" or \"reject\"", 2)
  end
  local args = {name = name, opts = {rate = opts.rate, counter = opts.counter,
                max_size = opts.max_size, max_time = opts.max_time, type = t}}
  local start = opts.link and otp.gen_server.start_link or otp.gen_server.start
  return start(Server, args, {name = PREFIX .. name, node = opts.node})
end

-- Blocks until the queue dispatches the caller: "ok", opaque | nil, "rejected" | "timeout".
-- Exits the caller (noproc) if there is no such queue, as jobs:ask raises badarg.
function M.ask(name)
  local r = gen.call(server(name), {"ask"}, "infinity", "jobs")
  if r[1] == "ok" then return "ok", r[2] end
  return nil, r[2]
end

-- Hands the slot back (asynchronous, as jobs:done/1). A second done for one opaque is ignored.
function M.done(opaque)
  if type(opaque) == "table" and opaque.ref ~= nil and opaque.server then
    otp.send(opaque.server, {tag = "$gen_cast", msg = {"done", opaque.ref}})
  end
  return "ok"
end

-- ask, fn(opaque, ...), done (also when fn raises, then the error goes on). Returns fn's results,
-- or nil, "rejected" | "timeout".
function M.run(name, fn, ...) return gen.regulated_run(M.ask, M.done, name, fn, ...) end

-- The queue's settings and statistics: queued, running, dispatched, rejected, timeouts, done,
-- client_down, latest_dispatch, ...
function M.queue_info(name) return gen.call(server(name), {"info"}, nil, "jobs") end

-- Changes limits at run time (a feedback loop playing jobs' samplers): rate, counter,
-- max_size, max_time; false removes one.
function M.modify_queue(name, opts)
  check_opts(opts or {})
  return gen.call(server(name), {"modify", opts or {}}, nil, "jobs")
end

-- Stops the queue; waiting clients are rejected.
function M.delete_queue(name) return gen.call(server(name), {"delete"}, nil, "jobs") end

-- The registered name of a queue's server.
function M.server_name(name) return PREFIX .. name end

return M
