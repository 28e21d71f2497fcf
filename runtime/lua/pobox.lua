-- pobox.lua — otp.pobox: Fred Hebert's pobox (otp-semantics.md §7.4), a buffer process that
-- stands in for an owner's unbounded mailbox: producers post to the box, the box keeps at most
-- `max` messages and drops the rest by policy, and the owner pulls (active) or is told there is
-- something to pull (notify). It links to its owner and does not trap exits.
--
-- Policies (pobox.erl insert/push_drop), a..e posted into a box of 3:
--   "queue"    keep the newest, drop the oldest          → {c, d, e}
--   "keep_old" keep the oldest, drop the new one          → {a, b, c}
--   "stack"    LIFO: drop the top, push the new one      → {e, b, a}
-- States (owner-driven):
--   passive  accumulate and drop;
--   notify   on data (now or at the next post) send {tag = "mail", box = pid, new_data = true}
--            once, then passive;
--   active   (active(box, filter, filter_state)) send everything the filter keeps as
--            {tag = "mail", box = pid, msgs = {...}, count = n, drops = d} — now if the box holds
--            something, else at the next post — then passive.
-- drops counts the overflow drops since the last delivery plus the messages the filter dropped.
-- Not modelled: heir / give_away, {mod, M} custom buffers.
--
-- Every overflow drop is a "regulator" trace event (box = name, event = drop, policy) and
-- counts in pobox.<name>.dropped.
local otp, gen = ...
local M = {}

local Box = {}

local function event(b, ev, ...) otp._trace("regulator", "box", b.label, "event", ev, ...) end

-- ---- the buffer: items[first..last]; queue/keep_old pop at first, stack pops at last ------
local function size(b) return b.last - b.first + 1 end

local function note_drops(b, n)
  b.drop = b.drop + n
  b.total_drops = b.total_drops + n
  event(b, "drop", "policy", b.type, "n", n)
  otp._count("pobox." .. b.label .. ".dropped", n)
end

local function insert(b, msg)
  if size(b) >= b.max then
    if b.type == "queue" then                       -- drop the oldest, push the new
      b.items[b.first] = nil
      b.first = b.first + 1
      b.last = b.last + 1
      b.items[b.last] = msg
    elseif b.type == "stack" then                   -- drop the top, push the new
      b.items[b.last] = msg
    end                                             -- keep_old: the new one is dropped
    note_drops(b, 1)
  else
    b.last = b.last + 1
    b.items[b.last] = msg
  end
end

local function pop(b)
  if b.first > b.last then return nil end
  local v
  if b.type == "stack" then
    v = b.items[b.last]; b.items[b.last] = nil; b.last = b.last - 1
  else
    v = b.items[b.first]; b.items[b.first] = nil; b.first = b.first + 1
  end
  return v
end

local function peek(b)
  if b.first > b.last then return nil end
  return b.type == "stack" and b.items[b.last] or b.items[b.first]
end

-- resize_buf: a smaller box drops the excess by policy.
local function resize(b, n)
  local excess = size(b) - n
  b.max = n
  if excess <= 0 then return end
  for _ = 1, excess do
    if b.type == "keep_old" then                    -- keeps the oldest: drop the newest
      b.items[b.last] = nil; b.last = b.last - 1
    else                                            -- queue: drop oldest; stack: drop top
      pop(b)
    end
  end
  note_drops(b, excess)
end

local function to_owner(b, msg) otp.send(b.owner, msg) end

local function send_notification(b)
  to_owner(b, {tag = "mail", box = otp.self(), new_data = true})
  b.state = "passive"
end

-- send/1 with buf_filter: the filter returns "ok", msg', state' | "drop", state' | "skip".
local function send(b)
  local msgs, n, dropped = {}, 0, 0
  local f, fs = b.filter, b.filter_state
  while size(b) > 0 do
    if f == nil then
      n = n + 1
      msgs[n] = pop(b)
    else
      local r, x, y = f(peek(b), fs)
      if r == "ok" then
        pop(b); n = n + 1; msgs[n] = x; fs = y
      elseif r == "drop" then
        pop(b); dropped = dropped + 1; fs = x
      elseif r == "skip" then
        break
      else
        error("otp.pobox: a filter returns \"ok\", msg, state | \"drop\", state | \"skip\"")
      end
    end
  end
  to_owner(b, {tag = "mail", box = otp.self(), msgs = msgs, count = n, drops = dropped + b.drop})
  b.drop = 0
  b.filter, b.filter_state = nil, nil
  b.state = "passive"
end

local function post(b, msg)
  insert(b, msg)
  if b.state == "notify" then send_notification(b)
  elseif b.state == "active" then send(b) end
end

function Box.init(a)
  local owner = a.owner
  local pid = otp.is_pid(owner) and owner or otp.whereis(owner)
  if not pid then return "stop", "noproc" end
  otp.link(pid)
  local label = a.label or tostring(otp.self())
  return "ok", {owner = owner, label = label, type = a.type, max = a.max, state = a.state,
                first = 1, last = 0, items = {}, drop = 0, total_drops = 0}
end

function Box.handle_cast(m, b)
  local op = m[1]
  if op == "post" then
    post(b, m[2])
  elseif op == "notify" then
    b.filter, b.filter_state = nil, nil
    if b.state == "passive" and size(b) > 0 then send_notification(b)
    else b.state = "notify" end
  elseif op == "active" then
    b.filter, b.filter_state = m[2], m[3]
    if b.state ~= "active" and size(b) > 0 then send(b) else b.state = "active" end
  end
  return "noreply", b
end

function Box.handle_call(req, _, b)
  if req[1] == "resize" then
    resize(b, req[2])
    return "reply", "ok", b
  elseif req[1] == "info" then
    local contents = {}                             -- in delivery order
    if b.type == "stack" then
      for i = b.last, b.first, -1 do contents[#contents + 1] = b.items[i] end
    else
      for i = b.first, b.last do contents[#contents + 1] = b.items[i] end
    end
    return "reply", {state = b.state, type = b.type, max = b.max, size = size(b),
                     contents = contents, drops = b.drop, total_drops = b.total_drops,
                     owner = b.owner}, b
  end
  return "reply", {"error", "badarg"}, b
end

-- Box ! {post, Msg}: anonymous posting.
function Box.handle_info(m, b)
  if type(m) == "table" and m.tag == "post" then post(b, m.msg) end
  return "noreply", b
end

-- ---- the API --------------------------------------------------------------------------------
local function start(link, owner, opts)
  opts = opts or {}
  local max, t = opts.max, opts.type or "queue"
  if type(max) ~= "number" or max < 1 then error("otp.pobox: max must be a number >= 1", 3) end
  if t ~= "queue" and t ~= "stack" and t ~= "keep_old" then
    error("otp.pobox: type must be \"queue\", \"stack\" or \"keep_old\"", 3)
  end
  local st = opts.initial_state or "notify"
  if st ~= "notify" and st ~= "passive" then
    error("otp.pobox: initial_state must be \"notify\" or \"passive\"", 3)
  end
  if owner == nil then owner = otp.self() end
  local label = opts.name
  local args = {owner = owner, max = max, type = t, state = st, label = label}
  local starter = link and otp.gen_server.start_link or otp.gen_server.start
  return starter(Box, args, {name = opts.name, node = opts.node})
end

-- A box for `owner` (pid or registered name; default the caller). opts: max (required), type
-- ("queue" | "stack" | "keep_old", default "queue"), initial_state ("notify" | "passive",
-- default "notify"), name (registers it; also the label in traces and metrics), node.
-- start_link also links the caller, as pobox:start_link. Returns the box's pid or nil, reason.
function M.start_link(owner, opts) return start(true, owner, opts) end
function M.start(owner, opts) return start(false, owner, opts) end

local function cast(box, msg)
  local pid = gen.whereis(box)
  if pid then otp.send(pid, {tag = "$gen_cast", msg = msg}) end
  return "ok"
end

-- Posts a message (asynchronous, never fails). Box ! {tag = "post", msg = m} works too.
function M.post(box, msg) return cast(box, {"post", msg}) end

-- Active: deliver everything kept by filter(msg, state) → "ok", msg', state' | "drop", state'
-- | "skip" (stop here, keep the rest). Without a filter every message is delivered.
function M.active(box, filter, filter_state) return cast(box, {"active", filter, filter_state}) end

-- Notify: one {tag = "mail", box = pid, new_data = true} when there is data, then passive.
function M.notify(box) return cast(box, {"notify"}) end

-- Changes max (synchronous); a smaller box drops the excess by policy.
function M.resize(box, n)
  if type(n) ~= "number" or n < 1 then error("otp.pobox.resize: max must be >= 1", 2) end
  return gen.call(box, {"resize", n}, nil, "pobox")
end

-- state, type, max, size, contents (in delivery order), drops (since the last delivery),
-- total_drops, owner.
function M.info(box) return gen.call(box, {"info"}, nil, "pobox") end

return M
