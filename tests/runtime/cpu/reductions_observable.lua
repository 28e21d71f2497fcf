-- Per-process reductions (Lua instructions), message counts and mailbox length are observable.
local info
local target = sim.spawn(function()
  local x = 0
  for i = 1, 5000 do x = x + i end
  otp.receive({tag = "go"})
end)
sim.spawn(function()
  otp.send(target, "queued")
  otp.sleep(1)
  info = otp.process_info(target)
  otp.send(target, {tag = "go"})
end)
sim.check("reductions counted", function() return info.reductions >= 10000, info.reductions end)
sim.check("mailbox length", function() return info.message_queue_len == 1, info.message_queue_len end)
sim.check("status waiting", function() return info.status == "waiting", info.status end)
