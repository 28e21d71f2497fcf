-- monitor_unregistered_name_noproc.lua
-- otp-semantics §1.4: "An unregistered name gives `noproc` with `Object = {Name, node()}`. [RUN]"
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  ids.node = otp.node()
  ids.r1 = otp.monitor("nobody_here")
  got[1] = otp.receive({tag = "DOWN"}, 100) or "nothing"
  ids.r2 = otp.monitor({"nobody_either", otp.node()})
  got[2] = otp.receive({tag = "DOWN"}, 100) or "nothing"
  got[3] = otp.receive(50) or "nothing"
end)

E.check("DOWN noproc with object {name, node()}", function()
  return got, {
    {tag = "DOWN", ref = ids.r1, type = "process", object = {"nobody_here", ids.node}, reason = "noproc"},
    {tag = "DOWN", ref = ids.r2, type = "process", object = {"nobody_either", ids.node}, reason = "noproc"},
    "nothing"}
end)
