-- supervisor_three_level_storm.lua
-- otp-semantics §3.4: "Hierarchies multiply. The total number of restarts before the top gives
-- up is the product of the intensities along the path. [DOC sup_princ]" with "with intensity N
-- the supervisor survives N restarts in the window and dies on crash N+1" and "A supervisor that
-- gives up exits with **`shutdown`**, and its parent treats that as an ordinary child exit. If
-- the child supervisor is `permanent`, the parent restarts it, subject to the parent's
-- intensity."
--
-- top (intensity 1) → mid (intensity 2) → leaf (intensity 3) → worker, all permanent, all
-- one_for_one. Every worker crashes 10 ms after it starts, so all restarts fall in one second.
-- A leaf lives through 3 worker restarts and dies on the 4th crash; a mid restarts its leaf
-- twice and dies with the 3rd leaf; the top restarts mid once and gives up with the 2nd. So the
-- worker crashes (3+1)(2+1)(1+1) = 24 times, the top exits shutdown at 240 ms, and the start
-- order is exactly the nested loops below. Supervisor deaths are recorded by monitors.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local I_TOP, I_MID, I_LEAF = 1, 2, 3
local starts, deaths, crashes = {}, {}, 0

local function watch(name, pid)
  otp.spawn(function()
    local ref = otp.monitor(pid)
    local d = otp.receive({tag = "DOWN", ref = ref})
    deaths[#deaths + 1] = {name, d.reason, otp.now()}
  end)
end

local function start_worker()
  starts[#starts + 1] = "worker"
  return otp.spawn_link(function()
    otp.sleep(10)
    crashes = crashes + 1
    otp.exit("boom")
  end)
end

local function start_sup(name, intensity, child_id, child_start, child_type)
  return function()
    starts[#starts + 1] = name
    local pid, why = otp.supervisor.start_link({strategy = "one_for_one", intensity = intensity, period = 5},
                                               {{id = child_id, start = child_start, type = child_type}})
    if pid then watch(name, pid) end
    return pid, why
  end
end

local start_leaf = start_sup("leaf", I_LEAF, "worker", start_worker, "worker")
local start_mid = start_sup("mid", I_MID, "leaf", start_leaf, "supervisor")
local start_top = start_sup("top", I_TOP, "mid", start_mid, "supervisor")

local got = {}

-- Capture the supervisor reports as they go to the trace: (report, child id), in order.
local reports = {}
local trace = otp._trace
otp._trace = function(kind, ...)
  if kind == "supervisor" then
    local f = {...}
    local r = {}
    for i = 1, #f, 2 do r[f[i]] = f[i + 1] end
    reports[#reports + 1] = r.report .. " " .. tostring(r.child)
  end
  return trace(kind, ...)
end

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  local top = start_top()
  local m = otp.receive({tag = "EXIT", from = top})
  got.top_exit = {m.reason, otp.now()}
end)

E.check("the worker crashes (I_leaf+1)(I_mid+1)(I_top+1) = 24 times before the top gives up", function()
  return {crashes, got.top_exit}, {24, {"shutdown", 240}}
end)
E.check("start order: each level restarts its child exactly its intensity times", function()
  local want = {"top"}
  for _ = 1, I_TOP + 1 do
    want[#want + 1] = "mid"
    for _ = 1, I_MID + 1 do
      want[#want + 1] = "leaf"
      for _ = 1, I_LEAF + 1 do want[#want + 1] = "worker" end
    end
  end
  return starts, want
end)
E.check("every supervisor incarnation dies with shutdown, leaf before mid before top", function()
  local order = {leaf = 1, mid = 2, top = 3}
  local got_deaths = {table.unpack(deaths)}
  table.sort(got_deaths, function(x, y)
    if x[3] ~= y[3] then return x[3] < y[3] end
    return order[x[1]] < order[y[1]]
  end)
  local want, t = {}, 0
  for ti = 1, I_TOP + 1 do
    for mi = 1, I_MID + 1 do
      t = t + 10 * (I_LEAF + 1)
      want[#want + 1] = {"leaf", "shutdown", t}
    end
    want[#want + 1] = {"mid", "shutdown", t}
  end
  want[#want + 1] = {"top", "shutdown", t}
  return got_deaths, want
end)

-- The report sequence OTP logs for this tree: a supervisor reports child_started after the
-- child's own start (so the leaf's report on its worker precedes the mid's report on the leaf);
-- each crash is child_terminated then child_started, the fatal one child_terminated then
-- reached_max_restart_intensity.
E.check("supervisor reports in the order OTP logs them", function()
  local want = {}
  local function emit(r, c) want[#want + 1] = r .. " " .. c end
  local function cycle(child, intensity, restart)
    for _ = 1, intensity do emit("child_terminated", child); restart() end
    emit("child_terminated", child)
    emit("reached_max_restart_intensity", child)
  end
  local function leaf_init() emit("child_started", "worker") end
  local function leaf_cycle() cycle("worker", I_LEAF, function() emit("child_started", "worker") end) end
  local function mid_init() leaf_init(); emit("child_started", "leaf") end
  local function mid_cycle()
    leaf_cycle()
    cycle("leaf", I_MID, function() leaf_init(); emit("child_started", "leaf"); leaf_cycle() end)
  end
  mid_init(); emit("child_started", "mid"); mid_cycle()
  cycle("mid", I_TOP, function() mid_init(); emit("child_started", "mid"); mid_cycle() end)
  return reports, want
end)
