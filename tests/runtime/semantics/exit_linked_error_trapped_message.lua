-- exit_linked_error_trapped_message.lua
-- otp-semantics §1.2 (verified rows): "q_error_badarith, P trapping -> P got
-- {'EXIT',Q,{badarith,Stack}}   (error/1 adds a stacktrace)"; §1.5: "`{Reason, Stacktrace}`
-- (from `error/1`)". In otpsim a Lua error is the exit reason {message, traceback}.
local E = require("lib.expect")

local ids, down, p_saw = {}, {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive({go = true})
    local t = nil
    return t.field                       -- attempt to index a nil value
  end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.process_flag("trap_exit", true)
    otp.link(q)
    otp.send(q, {go = true})
    p_saw[#p_saw + 1] = otp.receive(100) or "nothing"
    otp.exit("p_done")
  end, q)
  ids.q = q
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

local err = E.match_error("attempt to index a nil value (local 't')")

E.check("trapping P gets {EXIT, Q, {message, traceback}}", function()
  return p_saw, {{tag = "EXIT", from = ids.q, reason = err}}
end)
E.check("Q dies with {message, traceback}; P lives on", function()
  return down, {q = err, p = "p_done"}
end)
