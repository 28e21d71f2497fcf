-- exit2_other_trapped_message.lua
-- otp-semantics §1.2, row "not set | other R | yes | `{'EXIT', From, R}`".
local E = require("lib.expect")

local ids, p_saw, down = {}, {}, {}

sim.spawn(function()
  ids.third = otp.self()
  local p, pref = otp.spawn_monitor(function(watcher)
    otp.process_flag("trap_exit", true)
    otp.send(watcher, {ready = true})
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    p_saw[#p_saw + 1] = otp.receive(0) or "nothing"
    otp.exit("p_done")
  end, otp.self())
  otp.receive({ready = true})
  otp.exit(p, {"shutdown", "reorg"})
  down.p = otp.receive({tag = "DOWN", ref = pref}).reason
end)

E.check("P gets exactly {EXIT, Third, {shutdown, reorg}}", function()
  return p_saw, {{tag = "EXIT", from = ids.third, reason = {"shutdown", "reorg"}}, "nothing"}
end)
E.check("P lives on", function() return down, {p = "p_done"} end)
