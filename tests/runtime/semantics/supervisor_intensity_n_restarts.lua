-- supervisor_intensity_n_restarts.lua
-- otp-semantics §3.4: "`restart(Child,State)` first calls `add_restart`. On `terminate` it logs
-- `reached_max_restart_intensity`, removes the child and returns `{shutdown,State}`. The
-- gen_server then stops with reason **`shutdown`**, and `terminate/2` shuts down the remaining
-- children in reverse start order." and "So with intensity N the supervisor survives N restarts
-- in the window and dies on crash N+1. [RUN intensity 2: crash1 → restart, crash2 → restart,
-- crash3 → w2 `terminate shutdown`, supervisor exits `shutdown`."
--
-- Intensity 2, period 5; children w1 (killed at 100, 200 and 300 ms), w2 and w3 (trapping
-- gen_servers that record terminate). The third crash is not followed by a restart; w3 then w2
-- get terminate(shutdown) and the supervisor exits shutdown, all at 300 ms.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log, w1 = {}, nil

local function spec(id)
  return {id = id, start = function()
    local W = {}
    function W.init()
      otp.process_flag("trap_exit", id ~= "w1")
      log[#log + 1] = {"start " .. id, otp.now()}
      return "ok", id
    end
    function W.terminate(reason) log[#log + 1] = {"terminate " .. id, reason, otp.now()} end
    local pid = otp.gen_server.start_link(W)
    if id == "w1" then w1 = pid end
    return pid
  end}
end

local got = {}

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local sup = otp.supervisor.start_link({strategy = "one_for_one", intensity = 2, period = 5},
                                        {spec("w1"), spec("w2"), spec("w3")})
  local m = otp.receive({tag = "EXIT", from = sup})
  got.exit = {m.reason, otp.now()}
end)

for _, t in ipairs({100, 200, 300}) do
  sim.at(t, function() log[#log + 1] = {"kill w1", t}; sim.kill(w1, "boom") end)
end

E.check("two restarts survive, the third crash shuts the supervisor down", function()
  return log, {{"start w1", 0}, {"start w2", 0}, {"start w3", 0},
               {"kill w1", 100}, {"start w1", 100},
               {"kill w1", 200}, {"start w1", 200},
               {"kill w1", 300}, {"terminate w3", "shutdown", 300}, {"terminate w2", "shutdown", 300}}
end)
E.check("the supervisor exits shutdown", function() return got.exit, {"shutdown", 300} end)
