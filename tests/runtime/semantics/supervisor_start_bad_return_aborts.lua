-- supervisor_start_bad_return_aborts.lua
-- otp-semantics §3.1: "Per child, the start function returns: [...] `{error,E}` or any other term
-- or exception → **abort**." and "`start_link` returns
-- `{error,{shutdown,{failed_to_start_child,Id,E}}}`".
--
-- OTP (supervisor.erl do_start_child_i): `case catch apply(M,F,A) of ... {error,E} -> {error,E};
-- What -> {error,What} end`, so a start function returning the term 42 aborts with E = 42 itself.
-- An exception aborts too (OTP's E is {'EXIT',{Reason,Stack}}; only the id and the message are
-- checked here). In both cases the child started before is terminated and no later child starts.
local E = require("lib.expect")

sim.node("n", {instr_ns = 0})

local log = {}

local function child(id)
  return function()
    local W = {}
    function W.init() log[#log + 1] = "start " .. id; return "ok", id end
    return otp.gen_server.start_link(W)
  end
end

local got = {}

local function try(bad)
  local ok, sup, why = pcall(otp.supervisor.start_link, {strategy = "one_for_one"}, {
    {id = "before", start = child("before")},
    {id = "bad", start = bad},
    {id = "after", start = child("after")},
  })
  otp.receive({tag = "EXIT"}, 0)
  return {ok, sup, why}
end

sim.spawn("n", function()
  otp.process_flag("trap_exit", true)
  got.term = try(function() return 42 end)
  got.term_log, log = log, {}
  got.raise = try(function() error("cannot start") end)
  got.raise_log = log
end)

-- The reason of an exception: OTP's {'EXIT', {Reason, Stack}}, or otpsim's {Reason, Stack}.
local exception = E.matcher("<exception reason mentioning \"cannot start\">", function(v)
  if type(v) == "table" and v[1] == "EXIT" then v = v[2] end
  return type(v) == "table" and type(v[1]) == "string" and v[1]:find("cannot start", 1, true) ~= nil
end)

E.check("a start function returning another term aborts with that term as E", function()
  return got.term, {true, nil, {"shutdown", {"failed_to_start_child", "bad", 42}}}
end)
E.check("a start function raising aborts start_link (it does not raise in the caller)", function()
  return got.raise, {true, nil, {"shutdown", {"failed_to_start_child", "bad", exception}}}
end)
E.check("later children are never started", function()
  return {got.term_log, got.raise_log}, {{"start before"}, {"start before"}}
end)
