-- gen_server_timeout_fires_when_idle.lua
-- otp-semantics §2.4: "`{…, Timeout}` (integer) arms a **receive-after**. `handle_info(timeout,
-- S)` runs only if **no message at all** arrives within Timeout." From init and from a
-- callback; re-armed by each return that carries it.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local Srv = {}
function Srv.init() return "ok", 0, 100 end
function Srv.handle_info(m, n)
  log[#log + 1] = {m, otp.now()}
  if n < 2 then return "noreply", n + 1, 50 end
  return "noreply", n + 1                        -- no timeout: nothing more
end
function Srv.handle_call(req, from, n) return "reply", n, n end

local got = {}

sim.spawn("n", function()
  local pid = otp.gen_server.start(Srv)
  otp.sleep(1000)
  got.n = otp.gen_server.call(pid, "n")
end)

E.check("timeout at 100 (init), 150, 200, then none", function()
  return log, {{"timeout", 100}, {"timeout", 150}, {"timeout", 200}}
end)
E.check("three timeouts handled", function() return got, {n = 3} end)
