-- gen_server_parent_only_via_start_link.lua
-- otp-semantics §2.6: "4. An `{'EXIT', Parent, R}` arrived **and the server traps exits**. Parent
-- is whoever spawned it through `start_link`." and "An `'EXIT'` from a linked process that is
-- *not* the parent, received while trapping, is delivered to `handle_info`, and the server lives
-- on." A server started with gen_server:start (no link) has no parent process (OTP's gen
-- passes Parent = self for nolink), so an EXIT from the process that started it is an ordinary
-- info: no terminate, the server lives.
local E = require("lib.expect")

local log = {}

local Srv = {}
function Srv.init()
  otp.process_flag("trap_exit", true)
  return "ok", nil
end
function Srv.handle_info(m, s) log[#log + 1] = {"info", m.tag, m.reason}; return "noreply", s end
function Srv.handle_call(req, from, s) return "reply", "alive", s end
function Srv.terminate(reason, s) log[#log + 1] = {"terminate", reason} end

local got = {}

sim.spawn(function()
  local starter, sref = otp.spawn_monitor(function(watcher)
    local pid = otp.gen_server.start(Srv)          -- no link
    otp.link(pid)                                  -- linked later, by hand
    otp.send(watcher, {server = pid})
    otp.receive({go = true})
    otp.exit("starter_crashed")
  end, otp.self())
  local server = otp.receive({server = otp.any}).server
  otp.send(starter, {go = true})
  otp.receive({tag = "DOWN", ref = sref})
  otp.sleep(5)
  -- also an exit/2 signal from a process that started it without a link
  local starter2 = otp.spawn(function(watcher)
    local pid = otp.gen_server.start(Srv)
    otp.send(watcher, {server2 = pid})
    otp.exit(pid, "shutdown")
  end, otp.self())
  local server2 = otp.receive({server2 = otp.any}).server2
  otp.sleep(5)
  got.alive1 = E.catch(otp.gen_server.call, server, "ping", 100)
  got.alive2 = E.catch(otp.gen_server.call, server2, "ping", 100)
end)

E.check("the starter's EXIT goes to handle_info; no terminate", function()
  return log, {{"info", "EXIT", "starter_crashed"}, {"info", "EXIT", "shutdown"}}
end)
E.check("both servers live on", function()
  return got, {alive1 = {"ok", "alive"}, alive2 = {"ok", "alive"}}
end)
