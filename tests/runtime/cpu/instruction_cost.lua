-- Lua instructions cost virtual CPU time: instr_ns per instruction (charged in steps of 200
-- instructions), so a busy loop advances the process's clock. instr_ns = 0 makes code free,
-- except that 100,000 instructions without blocking use up the reductions of a slice and are
-- charged one quantum (so that even an endless loop lets virtual time pass).
sim.node("costly", {instr_ns = 100})
sim.node("free", {instr_ns = 0})
local t_costly, t_free
local function spin() local x = 0 for i = 1, 100000 do x = x + i end return x end
sim.spawn("costly", function() spin(); t_costly = otp.now() end)
sim.spawn("free", function() spin(); t_free = otp.now() end)
sim.check("two instructions per iteration at 100 ns each", function()
  return t_costly >= 19.9 and t_costly <= 20.1, tostring(t_costly) .. " ms"
end)
sim.check("free node: only the two used-up quanta", function() return t_free == 2, tostring(t_free) end)
