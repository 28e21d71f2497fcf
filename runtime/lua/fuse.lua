-- fuse.lua — otp.fuse: Jesper Louis Andersen's fuse circuit breaker (otp-semantics.md §7.5), a
-- fuse server (a gen_server registered as "fuse_server") per node, started by the first
-- install on that node.
--
-- What follows fuse_server.erl:
--   * melts are kept newest first; a melt stays in the window while now - t < max_t (ms): the
--     boundary is EXCLUSIVE (a melt exactly max_t old is out). The fuse blows when the window
--     holds more than max_r melts (the max_r+1-th) and arms a reset timer of `reset` ms.
--   * when the reset timer fires the fuse heals and its melt history is cleared.
--   * melt is synchronous (back-pressure on the error path); melting an unknown fuse is "ok".
--   * circuit_disable blows the fuse and cancels its timer; while disabled nothing heals or
--     blows it; circuit_enable heals it and clears the history. Re-installing resets the state
--     and the options but keeps a disabled fuse disabled.
--   * fault_injection = rate answers "blown" at random (math.random) with probability rate.
--   * an alarm {name, "fuse_blown"} is set on the alarm_handler (otp.alarm_handler) when the
--     fuse blows and cleared after 3 consecutive asks answered "ok" (hysteresis).
-- Deviations (docs/regulation.md): only synchronous asks (no async_dirty ETS read); fuse's
-- fuse_monitor samples the fuse table every 60 s and clears after 3 consecutive ok samples,
-- otpsim counts ok asks; removing a fuse clears its alarm; a stale reset timer (from before a
-- reinstall or a manual reset) is ignored.
--
-- Every melt, blow, reset (heal), rejected ask, disable and enable is a "regulator" trace
-- event (fuse = name, event = ...) and a metrics counter fuse.<name>.<event>.
local otp, gen = ...
local M = {}

local NAME = "fuse_server"
local HYSTERESIS = 3

local function event(name, ev, ...) otp._trace("regulator", "fuse", name, "event", ev, ...) end
local function count(name, what) otp._count("fuse." .. tostring(name) .. "." .. what, 1) end

local Server = {}

local function cancel_timer(f)
  if f.timer then otp.cancel_timer(f.timer); f.timer, f.timer_id = nil, nil end
end

local function raise_alarm(f)
  f.ok_streak = 0
  if f.alarm and not f.alarm_on then
    f.alarm_on = true
    otp.alarm_handler.set_alarm(f.name, "fuse_blown")
  end
end

local function clear_alarm(f)
  if f.alarm_on then
    f.alarm_on = false
    otp.alarm_handler.clear_alarm(f.name)
  end
end

-- blow/1: only an enabled fuse changes; the transition is the observable event.
local function blow(f)
  if not f.enabled then return end
  if f.state ~= "blown" then
    f.state = "blown"
    event(f.name, "blown", "melts", #f.history)
    count(f.name, "blown")
  end
  raise_alarm(f)
end

local function fix(f)
  if f.enabled then f.state = "ok" end
end

local function install_timer(f)
  if not f.enabled or f.timer then return end
  f.timer_id = otp.make_ref()
  f.timer = otp.send_after(f.reset, otp.self(), {tag = "$fuse_reset", name = f.name, id = f.timer_id})
end

local function new_fuse(name, spec)
  return {name = name, max_r = spec.max_r, max_t = spec.max_t, reset = spec.reset,
          fi_rate = spec.fault_injection, alarm = spec.alarm ~= false, history = {},
          state = "ok", enabled = true, alarm_on = false, ok_streak = 0}
end

function Server.init() return "ok", {fuses = {}} end

function Server.handle_call(req, _, s)
  local op, name = req[1], req[2]
  local f = s.fuses[name]
  if op == "install" then
    local nf = new_fuse(name, req[3])
    if f then
      cancel_timer(f)
      nf.enabled = f.enabled                        -- transplanted from the old fuse
      nf.alarm_on, nf.ok_streak = f.alarm_on, f.ok_streak
      nf.state = f.enabled and "ok" or "blown"
    end
    s.fuses[name] = nf
    event(name, "installed", "max_r", nf.max_r, "max_t", nf.max_t, "reset", nf.reset)
    return "reply", "ok", s
  elseif op == "ask" then
    if not f then return "reply", {"error", "not_found"}, s end
    local answer = f.state
    if answer == "ok" and f.fi_rate and math.random() < f.fi_rate then answer = "blown" end
    if f.alarm_on then
      if f.state == "ok" then
        f.ok_streak = f.ok_streak + 1
        if f.ok_streak >= HYSTERESIS then clear_alarm(f) end
      else
        f.ok_streak = 0
      end
    end
    if answer == "blown" then
      event(name, "reject")
      count(name, "rejected")
    end
    return "reply", answer, s
  elseif op == "melt" then
    if not f then return "reply", "ok", s end
    local now = otp.now()
    -- add_restart: newest first; keep while now - t < max_t, drop the rest at the first old one
    local h = {now}
    for _, t in ipairs(f.history) do
      if now - t >= f.max_t then break end
      h[#h + 1] = t
    end
    f.history = h
    event(name, "melt", "melts", #h)
    count(name, "melt")
    if #h > f.max_r then
      blow(f)
      install_timer(f)
    end
    return "reply", "ok", s
  elseif op == "reset" then
    if not f then return "reply", {"error", "not_found"}, s end
    fix(f)
    cancel_timer(f)
    f.history = {}
    event(name, "reset", "by", "manual")
    count(name, "reset")
    return "reply", "ok", s
  elseif op == "remove" then
    if not f then return "reply", {"error", "not_found"}, s end
    cancel_timer(f)
    clear_alarm(f)
    s.fuses[name] = nil
    event(name, "removed")
    return "reply", "ok", s
  elseif op == "circuit" then
    if not f then return "reply", {"error", "not_found"}, s end
    if req[3] == "disable" and f.enabled then
      blow(f)
      cancel_timer(f)
      f.enabled = false
      event(name, "disable")
      count(name, "disable")
    elseif req[3] == "enable" and not f.enabled then
      f.enabled = true
      fix(f)
      f.history = {}
      event(name, "enable")
      count(name, "enable")
    end
    return "reply", "ok", s
  elseif op == "info" then
    if not f then return "reply", {"error", "not_found"}, s end
    return "reply", {state = f.state, enabled = f.enabled, melts = {table.unpack(f.history)},
                     max_r = f.max_r, max_t = f.max_t, reset = f.reset,
                     alarm = f.alarm_on, ok_streak = f.ok_streak,
                     reset_pending = f.timer ~= nil}, s
  end
  return "reply", {"error", "badarg"}, s
end

function Server.handle_info(m, s)
  if type(m) == "table" and m.tag == "$fuse_reset" then
    local f = s.fuses[m.name]
    if f and f.timer_id == m.id then              -- else a stale timer: an "async fluke"
      f.timer, f.timer_id = nil, nil
      fix(f)
      f.history = {}
      event(f.name, "reset", "by", "timer")
      count(f.name, "reset")
    end
  end
  return "noreply", s
end

-- ---- the API --------------------------------------------------------------------------------
local function server()
  local pid = otp.whereis(NAME)
  if pid then return pid end
  local p, err = otp.gen_server.start(Server, nil, {name = NAME})
  if p then return p end
  if type(err) == "table" and err[1] == "already_started" then return err[2] end
  otp.exit(err)
end

local function call(req) return gen.call(NAME, req, nil, "fuse") end

-- Starts this node's fuse server (install does it on first use). Returns its pid.
function M.start() return server() end

-- install(name, {max_r = MaxR, max_t = MaxT ms, reset = ms [, fault_injection = rate]
-- [, alarm = false]}) → "ok". Re-installing resets the fuse (a disabled fuse stays disabled).
function M.install(name, spec)
  if type(name) ~= "string" and type(name) ~= "number" then
    error("otp.fuse.install: a fuse name is a string or a number", 2)
  end
  if type(spec) ~= "table" then error("otp.fuse.install: spec {max_r =, max_t =, reset =}", 2) end
  local r, t, z = spec.max_r, spec.max_t, spec.reset
  if type(r) ~= "number" or r < 0 or r % 1 ~= 0 then error("otp.fuse.install: max_r must be an integer >= 0", 2) end
  if type(t) ~= "number" or t <= 0 then error("otp.fuse.install: max_t must be > 0 (ms)", 2) end
  if type(z) ~= "number" or z <= 0 then error("otp.fuse.install: reset must be > 0 (ms)", 2) end
  local fi = spec.fault_injection
  if fi ~= nil and (type(fi) ~= "number" or fi < 0 or fi > 1) then
    error("otp.fuse.install: fault_injection must be a rate in [0, 1]", 2)
  end
  server()
  return call({"install", name, {max_r = r, max_t = t, reset = z, fault_injection = fi,
                                 alarm = spec.alarm}})
end

local function result(r)
  if type(r) == "table" and r[1] == "error" then return nil, r[2] end
  return r
end

-- "ok" | "blown" | nil, "not_found".
function M.ask(name)
  if not otp.whereis(NAME) then return nil, "not_found" end
  return result(call({"ask", name}))
end

-- Synchronous: returns once the fuse server has counted the melt. "ok" even for no such fuse.
function M.melt(name)
  if not otp.whereis(NAME) then return "ok" end
  return call({"melt", name})
end

-- fn() returns "ok", results... or "melt", results... (the fuse is melted, the results still
-- returned). run returns "ok", results... | "blown" | nil, "not_found".
function M.run(name, fn, ...)
  local a, why = M.ask(name)
  if a == nil then return nil, why end
  if a == "blown" then return "blown" end
  local r = table.pack(fn(...))
  if r[1] == "melt" then M.melt(name)
  elseif r[1] ~= "ok" then
    error("otp.fuse.run: the function must return \"ok\", ... or \"melt\", ...", 2)
  end
  return "ok", table.unpack(r, 2, r.n)
end

local function admin(op, name, arg)
  if not otp.whereis(NAME) then return nil, "not_found" end
  return result(call({op, name, arg}))
end

-- Heals the fuse and clears its history now. "ok" | nil, "not_found".
function M.reset(name) return admin("reset", name) end
function M.remove(name) return admin("remove", name) end
function M.circuit_disable(name) return admin("circuit", name, "disable") end
function M.circuit_enable(name) return admin("circuit", name, "enable") end

-- state, enabled, melts (times, newest first), max_r, max_t, reset, alarm, ok_streak,
-- reset_pending | nil, "not_found".
function M.info(name) return admin("info", name) end

return M
