-- exit2_self_normal_untrapped_dies.lua
-- otp-semantics §1.2, row "not set | `normal`, **sender = receiver** (`exit(self(), normal)`) |
-- no | **receiver dies with `normal`** (documented anomaly)". Observed on OTP 25: "P calls
-- exit(self(),normal), no trap -> P down normal". A linked non-trapping Q is not affected
-- (normal from a link is dropped).
local E = require("lib.expect")

local down, after = {}, {}

sim.spawn(function()
  local q, qref = otp.spawn_monitor(function()
    otp.receive(200)
    otp.exit("q_done")
  end)
  local p, pref = otp.spawn_monitor(function(q)
    otp.link(q)
    otp.exit(otp.self(), "normal")
    otp.receive(100)
    after[#after + 1] = "p_survived"     -- must not happen
  end, q)
  for _ = 1, 2 do
    local d = otp.receive({tag = "DOWN"})
    down[d.ref == qref and "q" or "p"] = d.reason
  end
end)

E.check("P dies normal; linked Q lives on", function() return down, {p = "normal", q = "q_done"} end)
E.check("P does not run on", function() return after, {} end)
