-- shed.lua — otp.shed: load shedding on mailbox length and back-pressure through synchronous
-- calls (otp-semantics.md §7 and §8: "regulate at the system's input edges; use synchronous
-- calls for natural back-pressure; reject early rather than time out late").
--
--   should_drop(limit [, name])  in a server: true when its own mailbox holds more than `limit`
--                                messages — drop the request you are handling, cheaply.
--   send(dest, msg, opts)        in a producer: lager's async/sync switch. While the target's
--                                mailbox is short the message is a cast (fire and forget);
--                                above `sync_above` it becomes a call, so the producer waits
--                                for the server (back-pressure); above `drop_above` it is
--                                dropped at the producer and never sent.
--
-- Every drop is a "regulator" trace event (shed = name, event = drop, queue_len) and a metrics
-- counter shed.<name>.dropped; send's synchronous sends count in shed.<name>.sync.
local otp, gen = ...
local M = {}

local function event(name, ev, ...) otp._trace("regulator", "shed", name, "event", ev, ...) end

-- The message queue length of a live process (0 if it is not alive).
function M.queue_len(pid)
  local info = otp.process_info(pid)
  return info and info.message_queue_len or 0
end

-- true, len when the calling process's mailbox holds more than `limit` messages (the drop is
-- counted: call it only when a true answer means you drop); false, len otherwise. `name`
-- labels the trace and the counter (default: the registered name, else "process").
function M.should_drop(limit, name)
  local info = otp.process_info()
  local len = info.message_queue_len
  if len > limit then
    name = name or info.registered_name or "process"
    event(name, "drop", "queue_len", len, "limit", limit)
    otp._count("shed." .. name .. ".dropped", 1)
    return true, len
  end
  return false, len
end

-- Sends msg to a gen_server `dest` (pid or registered name on this node) depending on its
-- mailbox length: a cast ("async") while it is at most sync_above (default 20), a call
-- otherwise ("sync", reply — the server must answer the same message in handle_call), nothing
-- above drop_above (nil, "dropped"). opts: sync_above, drop_above, timeout (call, 5000), name.
-- nil, "noproc" if dest is not alive.
function M.send(dest, msg, opts)
  opts = opts or {}
  local pid = gen.whereis(dest)
  local info = pid and otp.process_info(pid)
  if not info then return nil, "noproc" end
  local len = info.message_queue_len
  local name = opts.name or (type(dest) == "string" and dest) or "send"
  if opts.drop_above and len > opts.drop_above then
    event(name, "drop", "queue_len", len, "limit", opts.drop_above)
    otp._count("shed." .. name .. ".dropped", 1)
    return nil, "dropped"
  end
  if len > (opts.sync_above or 20) then
    otp._count("shed." .. name .. ".sync", 1)
    return "sync", otp.gen_server.call(pid, msg, opts.timeout)
  end
  otp.gen_server.cast(pid, msg)
  return "async"
end

return M
