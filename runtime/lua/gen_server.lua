-- gen_server.lua — otp.gen_server: OTP 25's generic server (otp-semantics.md §2) in Lua on
-- top of the runtime's primitives. Callbacks return Erlang's tuples as multiple values.
local otp, gen = ...
local M = {}

local function exit_after_terminate(mod, reason, state, ctx)
  if mod.terminate then
    local ok, e = gen.pcall(mod.terminate, reason, state)
    if not ok then reason = gen.reason_of(e) end
  end
  gen.exit_with(ctx, reason)
end

-- One result of a callback: returns next state and action, or does not return (stops).
local function handle_result(mod, ctx, from, ok, ...)
  if not ok then
    exit_after_terminate(mod, gen.reason_of(...), ctx.state, ctx)
  end
  local n = select("#", ...)
  local tag, a, b, c = ...
  if tag == "reply" and from and n >= 3 then
    ctx.msgs_out = ctx.msgs_out + 1
    gen.reply(from, a)
    if ctx.trace or ctx.log then
      gen.debug_out(ctx, a, from, type(b) == "string" and b or otp._render(b))
    end
    return b, c
  elseif tag == "noreply" and n >= 2 then
    return a, b
  elseif tag == "stop" and from and n == 4 then
    -- terminate runs before the reply is sent; the caller sees the reply before DOWN
    local reason, reply = a, b
    if mod.terminate then
      local tok, e = gen.pcall(mod.terminate, reason, c)
      if not tok then reason = gen.reason_of(e) end
    end
    gen.reply(from, reply)
    gen.exit_with(ctx, reason)
  elseif tag == "stop" and n >= 3 then
    exit_after_terminate(mod, a, b, ctx)
  elseif tag == "stop" and n == 2 and not from then
    exit_after_terminate(mod, a, ctx.state, ctx)
  end
  exit_after_terminate(mod, {"bad_return_value", tag}, ctx.state, ctx)
end

local function state_text(ctx)
  return type(ctx.state) == "string" and ctx.state or otp._render(ctx.state)
end

local function system_hooks(mod)
  return {
    get_state = function(ctx) return ctx.state end,
    set_state = function(ctx, v) ctx.state = v end,
    terminate = function(ctx, reason) exit_after_terminate(mod, reason, ctx.state, ctx) end,
  }
end

local function loop(mod, ctx, action)
  local hooks = system_hooks(mod)
  local debug = gen.debug_in
  while true do
    -- {continue = x}: handle_continue runs before any queued message
    while type(action) == "table" and action.continue ~= nil do
      ctx.state, action = handle_result(mod, ctx, nil,
        gen.pcall(mod.handle_continue, action.continue, ctx.state))
    end
    if action == "hibernate" then otp._trace("hibernate") end
    local timeout = type(action) == "number" and action or nil
    local m
    if ctx.suspended then
      m = otp.receive({tag = gen.SYSTEM})
    elseif timeout then
      m = otp.receive(nil, timeout)
      if m == nil then m = "timeout" end
    else
      m = otp.receive()
    end
    local kind = type(m) == "table" and m.tag or nil
    if kind == gen.SYSTEM then
      gen.system(ctx, m, hooks) -- the loop re-enters with the same (full) timeout
    elseif kind == gen.CALL then
      ctx.msgs_in = ctx.msgs_in + 1
      if ctx.trace or ctx.log then debug(ctx, "call", m.req, m.from) end
      ctx.state, action = handle_result(mod, ctx, m.from,
        gen.pcall(mod.handle_call, m.req, m.from, ctx.state))
    elseif kind == "$gen_cast" then
      ctx.msgs_in = ctx.msgs_in + 1
      if ctx.trace or ctx.log then debug(ctx, "cast", m.msg) end
      ctx.state, action = handle_result(mod, ctx, nil, gen.pcall(mod.handle_cast, m.msg, ctx.state))
      if ctx.trace then gen.debug_out(ctx, nil, nil, state_text(ctx)) end
    elseif kind == "EXIT" and m.from == ctx.parent then
      exit_after_terminate(mod, m.reason, ctx.state, ctx)
    else
      ctx.msgs_in = ctx.msgs_in + 1
      if ctx.trace or ctx.log then debug(ctx, "info", m) end
      if mod.handle_info then
        ctx.state, action = handle_result(mod, ctx, nil, gen.pcall(mod.handle_info, m, ctx.state))
        if ctx.trace then gen.debug_out(ctx, nil, nil, state_text(ctx)) end
      else
        otp._trace("unexpected_info", "msg", m)
        action = nil
      end
    end
  end
end

local function init_it(starter, ref, mod, args, name, linked)
  local parent = starter
  local ctx = gen.init_ctx(starter, ref, name, linked, "gen_server")
  local function fail(reason, exit_reason)
    if name then pcall(otp.unregister, name) end
    gen.ack(parent, ref, {error = reason})
    otp.exit(exit_reason == nil and reason or exit_reason)
  end
  local ok, tag, state, action = gen.pcall(mod.init, args)
  if not ok then fail(gen.reason_of(tag)) end
  if tag == "ok" then
    ctx.state = state
    gen.ack(parent, ref, {ok = otp.self()})
    loop(mod, ctx, action)
  elseif tag == "stop" then
    fail(state)
  elseif tag == "ignore" then
    fail("ignore", "normal")
  else
    fail({"bad_return_value", tag})
  end
end

local function start(link, mod, args, opts)
  opts = opts or {}
  if type(mod) ~= "table" then error("gen_server.start: the callback module must be a table", 3) end
  local r = gen.start(link, opts.node, init_it, mod, args, opts.name, link)
  if r.ok then return r.ok end
  return nil, r.error
end

function M.start(mod, args, opts) return start(false, mod, args, opts) end
function M.start_link(mod, args, opts) return start(true, mod, args, opts) end
function M.call(dest, req, timeout) return gen.call(dest, req, timeout, "gen_server") end
function M.reply(from, value) return gen.reply(from, value) end
function M.stop(dest, reason, timeout) return gen.stop(dest, reason, timeout, "gen_server") end
function M.cast(dest, msg)
  pcall(function()
    local pid = gen.whereis(dest)
    if pid then otp.send(pid, {tag = "$gen_cast", msg = msg}) end
  end)
  return "ok"
end

return M
