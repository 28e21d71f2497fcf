-- supervisor_all_significant_simple_one_for_one.lua
-- otp-semantics §3.8: "`all_significant`: the supervisor shuts down when the last running
-- significant child terminates." — for simple_one_for_one too: supervisor.erl do_auto_shutdown
-- with all_significant and simple_one_for_one shuts down only when no dynamic child is left
-- (dyn_size = 0).
--
-- A simple_one_for_one supervisor (all_significant) with a temporary significant template and
-- three dynamic children; they exit normal at 100, 200 and 300 ms. The supervisor is still
-- alive after the first two exits and exits shutdown at 300 ms.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local W = {}
function W.init(n) return "ok", n end
function W.handle_cast(msg, n) return "stop", msg, n end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({strategy = "simple_one_for_one", auto_shutdown = "all_significant"},
    {{id = "tpl", restart = "temporary", significant = true,
      start = function(n) return otp.gen_server.start_link(W, n) end}})
  local kids = {}
  for n = 1, 3 do kids[n] = otp.supervisor.start_child(sup, {n}) end
  got.alive = {}
  for n = 1, 3 do
    otp.sleep(n == 1 and 100 or 50)
    otp.gen_server.cast(kids[n], "normal")
    local m = otp.receive({tag = "EXIT", from = sup}, 50)
    got.alive[n] = m == nil
    if m then got.exit = {m.reason, otp.now()}; break end
  end
end)

E.check("alive after the first two significant children exit, not after the last", function()
  return got.alive, {true, true, false}
end)
E.check("the supervisor exits shutdown when the last one exits", function()
  return got.exit, {"shutdown", 300}
end)
