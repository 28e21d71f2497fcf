-- global_send_badarg.lua
-- otp-semantics §6.3: "`send/2` raises `{badarg,{Name,Msg}}` if the name is unknown." (global(3):
-- send(Name, Msg) -> Pid "Sends message Msg to the pid globally registered as Name. If Name is
-- not a globally registered name, the calling function exits with reason {badarg, {Name, Msg}}.")
-- Here, on n1 in sync with n2: otp.global.send to an unknown name raises an error naming badarg;
-- to "echo", registered by a process on n2, it returns that pid and the message arrives there
-- (the echo answers). The same from n2 itself. After the echo process has exited (and n1's
-- replica has dropped the name), send raises badarg again.
local E = require("lib.expect")

sim.node("n1")
sim.node("n2")

local got = {}
local echo

sim.spawn("n2", function()
  otp.connect_node("n1")
  otp.global.sync()
  echo = otp.spawn(function()
    for _ = 1, 2 do
      local m = otp.receive()
      otp.send(m.from, {echo = m.text, at = otp.node()})
    end
  end)
  got.register = otp.global.register_name("echo", echo)
  got.local_send = otp.global.send("echo", {from = otp.self(), text = "from n2"}) == echo
  got.local_reply = otp.receive(100)
end)

sim.spawn("n1", function()
  otp.sleep(500)
  got.unknown = E.catch(otp.global.send, "nobody", "hello")
  got.returned = otp.global.send("echo", {from = otp.self(), text = "from n1"}) == echo
  got.reply = otp.receive(100)
  otp.sleep(100)            -- echo has exited after its second message
  got.after_exit = E.catch(otp.global.send, "echo", "late")
end)

sim.run{duration = "2s"}

E.check("send to an unknown name raises badarg", function()
  return {got.unknown, got.after_exit},
         {{"error", E.match_contains("badarg")}, {"error", E.match_contains("badarg")}}
end)

E.check("send to a global name returns the pid and delivers, from either node", function()
  return {got.register, got.local_send, got.local_reply, got.returned, got.reply},
         {"yes", true, {echo = "from n2", at = "n2"}, true, {echo = "from n1", at = "n2"}}
end)
