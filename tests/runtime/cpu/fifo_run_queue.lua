-- Short jobs (under a quantum) on one core run to completion in arrival order: FIFO.
sim.node("n", {cores = 1, instr_ns = 0})
local order, t = {}, {}
sim.at(0, function()
  for i = 1, 3 do
    sim.spawn("n", function() otp.work(0.5); order[#order + 1] = i; t[i] = otp.now() end)
  end
end)
sim.check("served in spawn order, back to back", function()
  return table.concat(order, ",") == "1,2,3" and t[1] == 0.5 and t[2] == 1 and t[3] == 1.5,
         table.concat(order, ",") .. " " .. tostring(t[1]) .. " " .. tostring(t[2]) .. " " .. tostring(t[3])
end)
