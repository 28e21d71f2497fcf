-- supervisor_all_significant.lua
-- otp-semantics §3.8: "`all_significant`: the supervisor shuts down when the last running
-- significant child terminates. [RUN: first of two significant temporary children exits
-- `normal` → still alive; second exits → shutdown]" and "An automatic shutdown is not a
-- restart, so it does not touch the intensity."
--
-- Intensity 0, so a single counted restart would kill the supervisor: children s1, s2
-- (temporary, significant) and other (permanent, a trapping gen_server recording terminate).
-- s1 exits normal at 100 ms: the supervisor lives. s2 exits normal at 200 ms: the supervisor
-- shuts other down and exits shutdown.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, pids = {}, {}

local S = {}
function S.init(id) return "ok", id end
function S.handle_cast(msg, id) return "stop", msg, id end

local O = {}
function O.init() otp.process_flag("trap_exit", true); return "ok", 0 end
function O.terminate(why) log[#log + 1] = {"terminate other", why, otp.now()} end

local function significant(id)
  return {id = id, restart = "temporary", significant = true, start = function()
    pids[id] = otp.gen_server.start_link(S, id)
    return pids[id]
  end}
end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 0, auto_shutdown = "all_significant"}, {
    {id = "other", start = function() return otp.gen_server.start_link(O) end},
    significant("s1"),
    significant("s2"),
  })
  otp.sleep(100)
  otp.gen_server.cast(pids.s1, "normal")
  got.after_first = otp.receive({tag = "EXIT", from = sup}, 50) and "dead" or "alive"
  local ids = {}
  for i, c in ipairs(otp.supervisor.which_children(sup)) do ids[i] = c.id end
  got.ids = ids
  otp.sleep(50)
  otp.gen_server.cast(pids.s2, "normal")
  local m = otp.receive({tag = "EXIT", from = sup}, 1000)
  got.after_second = m and {m.reason, otp.now()} or "alive"
end)

E.check("the first significant exit leaves the supervisor alive (and uncounted)", function()
  return {got.after_first, got.ids}, {"alive", {"s2", "other"}}
end)
E.check("the last significant exit shuts it down", function()
  return {got.after_second, log}, {{"shutdown", 200}, {{"terminate other", "shutdown", 200}}}
end)
