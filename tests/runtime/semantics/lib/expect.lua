-- expect.lua — helpers shared by the semantics scenarios (tests/runtime/semantics/*.lua):
-- structural equality of observed values, a readable rendering, and sim.check wrappers.
--
-- A scenario records what its processes observe into upvalue tables and, at the end, compares
-- them with the exact expected values: E.check(name, function() return got, want end). An
-- expected value may contain matchers (E.match_*), used only where the exact value cannot be
-- spelled out (a Lua traceback, a time with instruction-cost jitter). Not a scenario itself:
-- it lives in lib/ so that the suite's glob (semantics/*.lua) does not run it.
local E = {}

local MATCHER = {}

-- A matcher: a predicate on the observed value with a description for failure messages.
function E.matcher(desc, pred) return setmetatable({desc = desc, pred = pred}, MATCHER) end

local function is_matcher(v) return type(v) == "table" and getmetatable(v) == MATCHER end

-- Any value at all (but not nil).
E.ANY = E.matcher("<any>", function(v) return v ~= nil end)

-- A string containing `s` (plain text, not a Lua pattern).
function E.match_contains(s)
  return E.matcher("<string containing " .. string.format("%q", s) .. ">", function(v)
    return type(v) == "string" and v:find(s, 1, true) ~= nil
  end)
end

-- A Lua error turned into an exit reason: {"FILE:LINE: msg", "stack traceback:..."} — Erlang's
-- {Reason, Stack}. The message must end with ": " .. msg (the position prefix varies).
function E.match_error(msg)
  return E.matcher("<{\"...: " .. msg .. "\", traceback}>", function(v)
    if type(v) ~= "table" or #v ~= 2 then return false end
    local text, tb = v[1], v[2]
    if type(text) ~= "string" or type(tb) ~= "string" then return false end
    local suffix = ": " .. msg
    return text:sub(-#suffix) == suffix and tb:find("stack traceback", 1, true) ~= nil
  end)
end

-- A number within [lo, hi].
function E.match_between(lo, hi)
  return E.matcher(string.format("<number in [%g, %g]>", lo, hi), function(v)
    return type(v) == "number" and v >= lo and v <= hi
  end)
end

-- Structural equality; want may hold matchers. Pids and refs compare by identity (==).
function E.same(got, want)
  if is_matcher(want) then return want.pred(got) end
  if got == want then return true end
  if type(got) ~= "table" or type(want) ~= "table" then return false end
  for k, v in pairs(want) do
    if not E.same(got[k], v) then return false end
  end
  for k in pairs(got) do
    if want[k] == nil then return false end
  end
  return true
end

-- A one-line rendering (pairs order is deterministic in otpsim).
function E.show(v, depth)
  depth = depth or 0
  if is_matcher(v) then return v.desc end
  if type(v) == "string" then
    if #v > 120 then v = v:sub(1, 117) .. "..." end
    return string.format("%q", v):gsub("\\\n", "\\n")
  end
  if type(v) ~= "table" then return tostring(v) end
  if depth > 6 then return "{...}" end
  local parts, n = {}, #v
  for i = 1, n do parts[#parts + 1] = E.show(v[i], depth + 1) end
  for k, x in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then
      local key = type(k) == "string" and k:match("^[%a_][%w_]*$") and k or "[" .. E.show(k, depth + 1) .. "]"
      parts[#parts + 1] = key .. " = " .. E.show(x, depth + 1)
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- sim.check(name, ...) comparing the two values fn returns: got, want.
function E.check(name, fn)
  sim.check(name, function()
    local got, want = fn()
    if E.same(got, want) then return true, E.show(got) end
    return false, "got " .. E.show(got) .. "; want " .. E.show(want)
  end)
end

-- The reason gen_server.call exits with: {Reason, {"gen_server", "call", {dest, req, timeout}}}.
function E.call_reason(reason, dest, req, timeout)
  return {reason, {"gen_server", "call", {dest, req, timeout}}}
end

-- Runs fn(...) and returns {"ok", results...} or {"exit", reason} / {"error", message}: what
-- Erlang's catch would show.
function E.catch(fn, ...)
  local r = table.pack(pcall(fn, ...))
  if r[1] then return {"ok", table.unpack(r, 2, r.n)} end
  local e = r[2]
  if type(e) == "table" and getmetatable(e) == otp._exit_mt then return {"exit", e.reason} end
  return {"error", e}
end

return E
