-- monitor_by_name_object.lua
-- otp-semantics §1.4: "Monitoring **by name** resolves the name once. The `Object` field is then
-- `{Name, Node}`, even for a local name: `{'DOWN',R,process,{dt_victim,nonode@nohost},bye}`."
-- Both forms, monitor(name) and monitor({name, node}). "Resolves once": after the name moves to
-- another process, the monitor still follows the first one.
local E = require("lib.expect")

local ids, got = {}, {}

sim.spawn(function()
  local node = otp.node()
  ids.node = node
  local v = otp.spawn(function()
    otp.register("dt_victim", otp.self())
    local m = otp.receive({go = otp.any})
    otp.exit(m.go)
  end)
  otp.sleep(1)                                   -- v has registered
  local r1 = otp.monitor("dt_victim")
  local r2 = otp.monitor({"dt_victim", node})
  ids.r1, ids.r2 = r1, r2
  -- the name moves: v gives it up, another process takes it; the monitors stay on v
  otp.send(v, {go = "bye", unused = true})
  otp.unregister("dt_victim")
  local other = otp.spawn(function() otp.register("dt_victim", otp.self()); otp.receive() end)
  ids.other = other
  for i = 1, 2 do got[i] = otp.receive({tag = "DOWN"}, 100) or "nothing" end
  got[3] = otp.receive(50) or "nothing"
  otp.exit(other, "kill")
end)

E.check("DOWN carries object {name, node} for both forms, reason bye", function()
  local function down(ref) return {tag = "DOWN", ref = ref, type = "process", object = {"dt_victim", ids.node}, reason = "bye"} end
  local want = {down(ids.r1), down(ids.r2), "nothing"}
  if got[1] ~= "nothing" and got[1].ref == ids.r2 then want[1], want[2] = down(ids.r2), down(ids.r1) end
  return got, want
end)
