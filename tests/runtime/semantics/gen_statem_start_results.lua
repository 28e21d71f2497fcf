-- gen_statem_start_results.lua
-- otp-semantics §2.5 (start/init, shared by gen_statem through gen/proc_lib): "The start is
-- synchronous" "`{stop,R}` → `{error,R}`. The name is unregistered *before* the ack, then the
-- process exits with R." "`ignore` → `ignore`; the process exits `normal`." "A name already in
-- use → `{error,{already_started,Pid}}`." gen_statem's own reasons (OTP 25.2.3, checked):
-- gen_statem:start of an init raising error(boom) → {error,boom} (no stack, unlike gen_server),
-- the process exiting {boom, Stack}; a bad return → {error,{bad_return_from_init,foo}}.
-- otpsim: start returns pid, or nil and the reason; init's actions run at start.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local M = {callback_mode = "state_functions"}
function M.init(how)
  if how == "stop" then return "stop", "no_way" end
  if how == "ignore" then return "ignore" end
  if how == "error" then error("boom") end
  if how == "bad" then return "foo" end
  if how == "short" then return "ok", "s" end
  if how == "slow" then otp.sleep(30) end
  return "ok", "s", how
end
function M.s(ev, msg, data)
  if ev[1] == "call" then return "keep_state_and_data", {"reply", ev[2], data} end
  return "keep_state_and_data"
end

local got = {}
local function try(how, opts)
  local pid, reason = otp.gen_statem.start(M, how, opts)
  return {pid ~= nil, reason}
end

sim.spawn("n", function()
  local t0 = otp.now()
  local pid = otp.gen_statem.start(M, "slow", {name = "named"})
  got.sync = {otp.now() - t0, otp.whereis("named") == pid, otp.gen_statem.call("named", "q")}
  local _, already = otp.gen_statem.start(M, "x", {name = "named"})
  got.already = E.same(already, {"already_started", pid})
  got.stop = try("stop", {name = "s1"})
  got.stop_name_free = otp.whereis("s1") == nil
  got.ignore = try("ignore")
  got.error = try("error")
  got.bad = try("bad")
  got.short = try("short")
  -- the exit reasons of failed starts, seen by a monitor-free observer: start_link + trap_exit
  otp.process_flag("trap_exit", true)
  local exits = {}
  for _, how in ipairs({"stop", "ignore", "error", "bad"}) do
    otp.gen_statem.start_link(M, how)
    exits[how] = otp.receive({tag = "EXIT"}, 100).reason
  end
  got.exits = exits
end)

E.check("start results", function()
  return got, {
    sync = {30, true, "slow"}, already = true,
    stop = {false, "no_way"}, stop_name_free = true, ignore = {false, "ignore"},
    error = {false, E.match_contains(": boom")},
    bad = {false, {"bad_return_from_init", "foo"}},
    short = {false, {"bad_return_from_init", {"ok", "s"}}},
    exits = {stop = "no_way", ignore = "normal", error = E.match_error("boom"),
             bad = E.matcher("{{bad_return_from_init, foo}, traceback}", function(v)
               return type(v) == "table" and E.same(v[1], {"bad_return_from_init", "foo"}) and type(v[2]) == "string"
             end)},
  }
end)
