-- global_conflict_verified_run.lua
-- otp-semantics §6.3, "Verified [RUN]: isolated nodes n3 and n4 each registered `svc_default`,
-- `svc_notify_all` and `svc_random_notify`; n3 also registered `only_on_n3`. Then n3 connected
-- to n4. After 2 s, on both nodes:
--   svc_default       -> n3's pid   (n4's registrant killed: is_process_alive = false)
--   svc_random_notify -> n3's pid   (n4's registrant got {global_name_conflict,svc_random_notify},
--                                    still alive)
--   svc_notify_all    -> undefined  (both got {global_name_conflict,svc_notify_all,OtherPid})
--   only_on_n3        -> visible on n4 too"
-- with the rules: "the node with the smaller node name ... does the resolving"; "`random_exit_name`
-- is the default and is not random. `minmax` keeps the pid on the node with the smaller node name
-- and does `exit(Other, kill)`"; "`random_notify_name`: same choice, the loser gets
-- `{global_name_conflict, Name}`"; "`notify_all_name`: unregisters both, and each gets
-- `{global_name_conflict, Name, OtherPid}`".
-- Here exactly that run; registrants record every message they get.
local E = require("lib.expect")

sim.node("n3")
sim.node("n4")

local NAMES = {{"svc_default"}, {"svc_notify_all", "notify_all_name"},
               {"svc_random_notify", "random_notify_name"}}
local pids = {n3 = {}, n4 = {}}
local inbox = {n3 = {}, n4 = {}}
local registered = {n3 = {}, n4 = {}}
local view = {}

local function registrant(node, name)
  return function()
    while true do
      local m = otp.receive()
      inbox[node][name] = inbox[node][name] or {}
      table.insert(inbox[node][name], m)
    end
  end
end

for _, node in ipairs({"n3", "n4"}) do
  sim.spawn(node, function()
    local names = {table.unpack(NAMES)}
    if node == "n3" then names[#names + 1] = {"only_on_n3"} end
    for _, e in ipairs(names) do
      local pid = otp.spawn(registrant(node, e[1]))
      pids[node][e[1]] = pid
      registered[node][e[1]] = otp.global.register_name(e[1], pid, e[2])
    end
    if node == "n3" then
      otp.sleep(100)
      otp.connect_node("n4")
    end
    otp.sleep(2100 - otp.now())
    local v = {}
    for _, name in ipairs({"svc_default", "svc_notify_all", "svc_random_notify", "only_on_n3"}) do
      local pid = otp.global.whereis_name(name)
      v[name] = pid == nil and "undefined" or (pid == pids.n3[name] and "n3's pid" or tostring(pid))
    end
    view[node] = v
  end)
end

sim.run{duration = "3s"}

local WANT = {svc_default = "n3's pid", svc_random_notify = "n3's pid",
              svc_notify_all = "undefined", only_on_n3 = "n3's pid"}

E.check("every registration succeeds in its isolated node", function()
  return registered, {n3 = {svc_default = "yes", svc_notify_all = "yes", svc_random_notify = "yes",
                            only_on_n3 = "yes"},
                      n4 = {svc_default = "yes", svc_notify_all = "yes", svc_random_notify = "yes"}}
end)

E.check("after the merge both nodes resolve the names as in the verified run", function()
  return view, {n3 = WANT, n4 = WANT}
end)

E.check("n4's default registrant was killed; the others are alive", function()
  return {n4_default = otp.is_alive(pids.n4.svc_default),
          n4_random_notify = otp.is_alive(pids.n4.svc_random_notify),
          n4_notify_all = otp.is_alive(pids.n4.svc_notify_all),
          n3_default = otp.is_alive(pids.n3.svc_default),
          n3_notify_all = otp.is_alive(pids.n3.svc_notify_all)},
         {n4_default = false, n4_random_notify = true, n4_notify_all = true, n3_default = true,
          n3_notify_all = true}
end)

E.check("conflict messages: the random_notify loser, and both notify_all registrants", function()
  return inbox, {
    n3 = {svc_notify_all = {{tag = "global_name_conflict", name = "svc_notify_all",
                             other = pids.n4.svc_notify_all}}},
    n4 = {svc_notify_all = {{tag = "global_name_conflict", name = "svc_notify_all",
                             other = pids.n3.svc_notify_all}},
          svc_random_notify = {{tag = "global_name_conflict", name = "svc_random_notify"}}}}
end)
