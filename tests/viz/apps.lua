-- apps.lua — the live view's application filter and sys-state inspector: two applications on
-- node "a" ("web": a supervisor with three workers; "db": one with two), a registered process
-- outside both (it wakes every 20 ms), and a process a web worker spawns after the start (it
-- belongs to web, as it would through its group leader in OTP). Worker web1 gets five casts: its sys state reads
-- {hits = 5, id = "web1"}.
sim.node("a", {cores = 2})
sim.node("b", {cores = 1})

local Worker = {
  init = function(id) return "ok", {id = id, hits = 0} end,
  handle_cast = function(msg, st)
    if msg == "spawn" then otp.spawn(function() otp.receive() end) end
    st.hits = st.hits + 1
    return "noreply", st
  end,
}

local function tree(prefix, n)
  return function()
    local specs = {}
    for i = 1, n do
      local id = prefix .. i
      specs[i] = {id = id, start = function() return otp.gen_server.start_link(Worker, id, {name = id}) end}
    end
    return otp.supervisor.start_link({strategy = "one_for_one"}, specs, {name = prefix .. "_sup"})
  end
end
otp.application.define{name = "web", start = tree("web", 3)}
otp.application.define{name = "db", start = tree("db", 2)}

sim.spawn("a", function()
  assert(otp.application.start("web"))
  assert(otp.application.start("db"))
  otp.spawn(function() -- wakes every 20 ms: the run has events to its end, the view frames
    otp.register("loner", otp.self())
    while true do otp.receive(20) end
  end)
  otp.gen_server.cast("web2", "spawn")
  for _ = 1, 5 do otp.gen_server.cast("web1", "hit") end
  otp.receive()
end)
sim.spawn("b", function() otp.register("remote", otp.self()); otp.receive() end)
sim.check("web1 got its casts", function() return otp.whereis("web1", "a") ~= nil end)
sim.run{duration = "1s"}
