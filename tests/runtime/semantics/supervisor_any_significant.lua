-- supervisor_any_significant.lua
-- otp-semantics §3.8: "`any_significant`: the supervisor shuts down (reason `shutdown`) as soon
-- as a significant child terminates **without being restarted**: a transient child exiting
-- `normal`/`shutdown`/`{shutdown,_}`, or a temporary child exiting for any reason. A transient
-- significant child that crashes is restarted and does **not** trigger a shutdown. [RUN]" — and
-- (supervisor.erl: only the EXIT path calls do_auto_shutdown) terminate_child of a significant
-- child does not trigger it.
--
-- One supervisor per case, with the significant child s and a plain child other (a trapping
-- gen_server recording terminate). s stops itself with the case's reason at 100 ms.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local function case(restart, reason, opts)
  opts = opts or {}
  local r = {log = {}, s_starts = 0}
  local s
  local S = {}
  function S.init() r.s_starts = r.s_starts + 1; return "ok", 0 end
  function S.handle_cast(msg, st) return "stop", msg, st end
  local O = {}
  function O.init() otp.process_flag("trap_exit", true); return "ok", 0 end
  function O.terminate(why) r.log[#r.log + 1] = {"terminate other", why, otp.now()} end
  sim.spawn("n", function()
    otp.process_flag("trap_exit", true)
    local sup = otp.supervisor.start_link({strategy = "one_for_one", auto_shutdown = "any_significant"}, {
      {id = "other", start = function() return otp.gen_server.start_link(O) end},
      {id = "s", restart = restart, significant = opts.significant ~= false, start = function()
        s = otp.gen_server.start_link(S)
        return s
      end},
    })
    otp.sleep(100)
    if opts.terminate_child then
      r.terminate_child = otp.supervisor.terminate_child(sup, "s")
    else
      otp.gen_server.cast(s, reason)
    end
    local m = otp.receive({tag = "EXIT", from = sup}, 1000)
    r.outcome = m and {m.reason, otp.now()} or "alive"
    r.seen = {table.unpack(r.log)} -- before this process's own exit stops the supervisor
  end)
  return r
end

local t_normal = case("transient", "normal")
local t_shutdown = case("transient", "shutdown")
local t_shutdown_x = case("transient", {"shutdown", "done"})
local tmp_normal = case("temporary", "normal")
local tmp_crash = case("temporary", "oops")
local t_crash = case("transient", "oops")
local not_significant = case("temporary", "normal", {significant = false})
local terminated = case("transient", nil, {terminate_child = true})

local shut = {outcome = {"shutdown", 100}, log = {{"terminate other", "shutdown", 100}}, s_starts = 1}

E.check("transient significant exits normal: shutdown", function()
  return {outcome = t_normal.outcome, log = t_normal.seen, s_starts = t_normal.s_starts}, shut
end)
E.check("transient significant exits shutdown: shutdown", function()
  return {outcome = t_shutdown.outcome, log = t_shutdown.seen, s_starts = t_shutdown.s_starts}, shut
end)
E.check("transient significant exits {shutdown, done}: shutdown", function()
  return {outcome = t_shutdown_x.outcome, log = t_shutdown_x.seen, s_starts = t_shutdown_x.s_starts}, shut
end)
E.check("temporary significant exits normal: shutdown", function()
  return {outcome = tmp_normal.outcome, log = tmp_normal.seen, s_starts = tmp_normal.s_starts}, shut
end)
E.check("temporary significant crashes: shutdown", function()
  return {outcome = tmp_crash.outcome, log = tmp_crash.seen, s_starts = tmp_crash.s_starts}, shut
end)
E.check("transient significant crashes: restarted, no shutdown", function()
  return {t_crash.outcome, t_crash.seen, t_crash.s_starts}, {"alive", {}, 2}
end)
E.check("a non-significant child exiting: no shutdown", function()
  return {not_significant.outcome, not_significant.seen}, {"alive", {}}
end)
E.check("terminate_child of a significant child: ok, no shutdown", function()
  return {terminated.terminate_child, terminated.outcome, terminated.seen}, {"ok", "alive", {}}
end)
