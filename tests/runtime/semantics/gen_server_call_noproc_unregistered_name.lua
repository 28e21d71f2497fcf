-- gen_server_call_noproc_unregistered_name.lua
-- otp-semantics §2.2, row "unregistered name | `{noproc, ..}`". Also {Name, Node}.
local E = require("lib.expect")

local got = {}

sim.spawn(function()
  got.name = E.catch(otp.gen_server.call, "nobody", "hello")
  got.name_node = E.catch(otp.gen_server.call, {"nobody", otp.node()}, "hello", 100)
end)

E.check("call to an unregistered name exits noproc", function()
  return got, {name = {"exit", E.call_reason("noproc", "nobody", "hello", 5000)},
               name_node = {"exit", E.call_reason("noproc", {"nobody", "nonode@nohost"}, "hello", 100)}}
end)
