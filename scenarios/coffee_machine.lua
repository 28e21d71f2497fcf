-- coffee_machine.lua — the book's coffee machine (ch. "Finite State Machines", coffee_fsm) as an
-- otp.gen_statem, driven by scripted customers.
--
-- States: selection → payment → remove → selection. Events (casts, as the book's gen_fsm
-- send_event): {"selection", drink, price}, {"pay", coin}, "cancel", "cup_removed"; plus a
-- "status" call. The book's gen_fsm timeout becomes gen_statem timeouts:
--   * payment: an event timeout — after pay_timeout with no event at all, the coins paid are
--     refunded. Any event cancels an event timeout, so every event handled in payment re-arms it;
--   * remove: a state timeout — a drink left in the machine for remove_timeout is cleared. Events
--     in the same state (coins, status calls) do not restart it;
--   * a selection made while a cup is still waiting is postponed, and handled once the machine is
--     back in selection (postponed events are replayed on a state change).
-- The hardware (display, coin return, cup dispenser, brewer) is a stub that records what it did.
-- Drinks and prices follow the book's example (from memory: tea and americano 100, espresso and
-- cappuccino 150). Deterministic: the same seed gives the same trace-hash.
--
--   otpsim run scenarios/coffee_machine.lua --set pay_timeout_ms=5000

local pay_timeout    = sim.param("pay_timeout_ms", 10000)   -- otp timeouts are numbers of ms
local remove_timeout = sim.param("remove_timeout_ms", 30000)

sim.node("kiosk", {cores = 1})

-- ---- the hardware stub ------------------------------------------------------------------------
local hw_log = {}                   -- {t = ms, op = ..., arg = ...}
local function hw(op, arg)
  hw_log[#hw_log + 1] = {t = otp.now(), op = op, arg = arg}
  print(string.format("hw: %-13s %s", op, arg == nil and "" or tostring(arg)))
end

-- ---- the machine --------------------------------------------------------------------------------
local Coffee = {callback_mode = {"state_functions", "state_enter"}}

function Coffee.init()
  hw("reboot")
  return "ok", "selection", {}
end

-- Events every state answers the same way: a status call, a coin when no drink is being paid for.
local function common(ev, msg, state, data)
  if type(ev) == "table" and ev[1] == "call" and msg == "status" then
    return "keep_state_and_data", {{"reply", ev[2], {state, data.drink, data.paid}}}
  end
  if ev == "cast" and type(msg) == "table" and msg[1] == "pay" then
    hw("return_change", msg[2])
    return "keep_state_and_data"
  end
  return "keep_state_and_data"      -- anything else is ignored
end

function Coffee.selection(ev, msg, data)
  if ev == "enter" then
    hw("display", "Make Your Selection")
    return "keep_state", {}
  end
  if ev == "cast" and type(msg) == "table" and msg[1] == "selection" then
    return "next_state", "payment", {drink = msg[2], price = msg[3], paid = 0}
  end
  return common(ev, msg, "selection", data)
end

function Coffee.payment(ev, msg, data)
  local rearm = {"timeout", pay_timeout, "pay_timeout"}
  if ev == "enter" then
    hw("display", "Please pay: " .. data.price)
    return "keep_state_and_data", {rearm}
  end
  if ev == "timeout" then           -- pay_timeout without any event: give the money back
    hw("display", "Timed out")
    if data.paid > 0 then hw("return_change", data.paid) end
    return "next_state", "selection", {}
  end
  if ev == "cast" and type(msg) == "table" and msg[1] == "pay" then
    local paid = data.paid + msg[2]
    if paid >= data.price then
      hw("display", "Preparing Drink")
      if paid > data.price then hw("return_change", paid - data.price) end
      hw("drop_cup")
      hw("prepare", data.drink)
      return "next_state", "remove", {drink = data.drink, sold = data.price}
    end
    data.paid = paid
    hw("display", "Please pay: " .. (data.price - paid))
    return "keep_state", data, {rearm}
  end
  if ev == "cast" and msg == "cancel" then
    hw("display", "Cancel")
    if data.paid > 0 then hw("return_change", data.paid) end
    return "next_state", "selection", {}
  end
  -- another event (a status call, a second selection): handled, so it cancelled the event
  -- timeout — arm it again
  local _, actions = common(ev, msg, "payment", data)
  local all = {rearm}
  for _, a in ipairs(actions or {}) do all[#all + 1] = a end
  return "keep_state_and_data", all
end

function Coffee.remove(ev, msg, data)
  if ev == "enter" then
    hw("display", "Remove Drink")
    return "keep_state_and_data", {{"state_timeout", remove_timeout, "abandoned"}}
  end
  if ev == "state_timeout" then
    hw("display", "Drink abandoned")
    hw("clear_cup", data.drink)
    return "next_state", "selection", {}
  end
  if ev == "cast" and msg == "cup_removed" then
    return "next_state", "selection", {}
  end
  if ev == "cast" and type(msg) == "table" and msg[1] == "selection" then
    return "keep_state_and_data", "postpone"   -- served once the machine is free again
  end
  return common(ev, msg, "remove", data)
end

function Coffee.terminate(reason, state) hw("shutdown", state) end

-- ---- the API (the book's coffee_fsm exports) -------------------------------------------------------
local coffee = {}
function coffee.start_link() return otp.gen_statem.start_link(Coffee, nil, {name = "coffee"}) end
function coffee.tea() otp.gen_statem.cast("coffee", {"selection", "tea", 100}) end
function coffee.espresso() otp.gen_statem.cast("coffee", {"selection", "espresso", 150}) end
function coffee.americano() otp.gen_statem.cast("coffee", {"selection", "americano", 100}) end
function coffee.cappuccino() otp.gen_statem.cast("coffee", {"selection", "cappuccino", 150}) end
function coffee.pay(coin) otp.gen_statem.cast("coffee", {"pay", coin}) end
function coffee.cancel() otp.gen_statem.cast("coffee", "cancel") end
function coffee.cup_removed() otp.gen_statem.cast("coffee", "cup_removed") end
function coffee.status() return otp.gen_statem.call("coffee", "status", 1000) end
function coffee.stop() return otp.gen_statem.stop("coffee") end

-- ---- customers ------------------------------------------------------------------------------------
local inserted = 0
local cups = {}                     -- customer -> drink taken out
local erin_saw_payment

local function customer(name, start_s, steps)
  sim.spawn("kiosk", function()
    otp.sleep(start_s * 1000)
    for _, step in ipairs(steps) do
      local what, arg = step[1], step[2]
      if what == "wait" then otp.sleep(arg * 1000)
      elseif what == "pay" then inserted = inserted + arg; coffee.pay(arg)
      elseif what == "take" then cups[name] = arg; coffee.cup_removed()
      elseif what == "until_payment" then   -- poll until the machine asks me to pay
        while coffee.status()[1] ~= "payment" do otp.sleep(2000) end
        erin_saw_payment = otp.now()
      else coffee[what]() end
    end
  end)
end

sim.spawn("kiosk", function()
  assert(coffee.start_link())
  otp.receive()                     -- the owner keeps the machine linked until the end
end)

-- Alice overpays for a cappuccino and takes it 3 s later.
customer("alice", 1, {{"cappuccino"}, {"wait", 1}, {"pay", 100}, {"wait", 1}, {"pay", 100},
                      {"wait", 3}, {"take", "cappuccino"}})
-- Bob pays half a tea and walks away: refunded after pay_timeout.
customer("bob", 10, {{"tea"}, {"wait", 1}, {"pay", 50}})
-- Carol changes her mind.
customer("carol", 30, {{"espresso"}, {"wait", 1}, {"pay", 100}, {"wait", 1}, {"cancel"}})
-- Dave pays before choosing (coin returned), then forgets his americano in the machine.
customer("dave", 40, {{"pay", 20}, {"wait", 1}, {"americano"}, {"wait", 1}, {"pay", 100}})
-- Erin chooses while Dave's cup is still there: her choice waits for the machine.
customer("erin", 45, {{"tea"}, {"until_payment"}, {"pay", 50}, {"pay", 50}, {"wait", 2}, {"take", "tea"}})

sim.run{duration = "120s"}

-- ---- checks -----------------------------------------------------------------------------------------
local function ops(op)
  local r = {}
  for _, e in ipairs(hw_log) do if e.op == op then r[#r + 1] = e end end
  return r
end
local function sum(list) local s = 0; for _, e in ipairs(list) do s = s + e.arg end; return s end
local function near(t, want_s) return math.abs(t - want_s * 1000) < 50 end
local function first_display(text, after_ms)
  for _, e in ipairs(hw_log) do
    if e.op == "display" and e.arg == text and e.t >= after_ms then return e end
  end
end
local prices = {tea = 100, americano = 100, espresso = 150, cappuccino = 150}

sim.check("every coin is accounted for", function()
  local sold = 0
  for _, e in ipairs(ops("prepare")) do sold = sold + prices[e.arg] end
  local returned = sum(ops("return_change"))
  return inserted == sold + returned,
         string.format("inserted %d = sold %d + returned %d", inserted, sold, returned)
end)

sim.check("drinks brewed in order", function()
  local brewed = {}
  for _, e in ipairs(ops("prepare")) do brewed[#brewed + 1] = e.arg end
  local got = table.concat(brewed, ",")
  return got == "cappuccino,americano,tea", got
end)

sim.check("the payment timed out pay_timeout after Bob's last coin and refunded him", function()
  local e = first_display("Timed out", 0)
  local want = 11 + pay_timeout / 1000
  return e and near(e.t, want), e and string.format("timed out at %.3f s (want %g s)", e.t / 1000, want)
end)

sim.check("Dave's abandoned cup was cleared remove_timeout after brewing, despite Erin's polls", function()
  local clears = ops("clear_cup")
  local e = clears[1]
  local want = 42 + remove_timeout / 1000
  return #clears == 1 and e.arg == "americano" and near(e.t, want),
         e and string.format("%s cleared at %.3f s (want %g s)", e.arg, e.t / 1000, want)
end)

sim.check("Erin's postponed selection was served after the cup was cleared", function()
  local cleared = ops("clear_cup")[1]
  return cleared and erin_saw_payment and erin_saw_payment >= cleared.t and cups.erin == "tea",
         string.format("payment seen at %s s, cup %s", erin_saw_payment and erin_saw_payment / 1000, cups.erin)
end)

sim.check("everyone who paid in full left with their drink", function()
  return cups.alice == "cappuccino" and cups.erin == "tea" and cups.bob == nil and cups.carol == nil
end)

sim.check("the machine ends idle in selection", function()
  local last
  for _, e in ipairs(hw_log) do if e.op == "display" then last = e.arg end end
  return last == "Make Your Selection", last
end)
