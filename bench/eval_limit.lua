-- bench/eval_limit.lua N: the "limit" of evaluation: bench/bench_province.lua's 2 gates and
-- 6 criteria (the same arithmetic as decide.py and decide.sql), the total rounded to 0.01 and
-- the outcome, over N models held as plain Lua tables, in plain Lua 5.4 (no sandbox, no
-- database, no model objects). The models are made up in memory first (a fixed linear
-- congruential sequence: the same ones every run); only the evaluation is timed, with
-- os.clock (CPU seconds). Prints "eval_cpu SECONDS" and "eval_sum TOTAL".
local n = tonumber(arg[1]) or 100000

local seed = 12345
local function rnd(k)                      -- 0 .. k-1
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % k
end

local models = {}
for i = 1, n do
  local m = { address = rnd(10) > 0 and "x" or "",
              started_on = string.format("%04d-%02d-%02d", 2019 + rnd(5), 1 + rnd(12), 1 + rnd(28)),
              registration = rnd(2) == 0 and "moi" or "tiep-tuc", metrics = {} }
  local mt = m.metrics
  if rnd(10) > 0 then mt.beneficiaries = rnd(2000) end
  if rnd(10) > 0 then mt.funds_vnd = rnd(4000) * 1e6 end
  if rnd(10) > 0 then mt.workdays = rnd(8000) end
  if rnd(10) > 0 then mt.participants = rnd(8000) end
  if rnd(10) > 0 then mt.houses = rnd(80) end
  models[i] = m
end

local function months(from)                -- whole months from `from` to 2023-11-30
  local y, mo, d = from:match("^(%d+)-(%d+)-(%d+)$")
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  local k = (2023 - y) * 12 + (11 - mo)
  if k > 0 and 30 < d then k = k - 1 elseif k < 0 and 30 > d then k = k + 1 end
  return k
end

local function part(max, v, full)
  if v == nil then return 0 end
  local r = v / full
  if r < 0 then r = 0 elseif r > 1 then r = 1 end
  return max * r
end

local function round2(x)                   -- half away from zero, to 0.01
  local v = math.abs(x) * 100.0
  local r = math.floor(v + 0.5) / 100.0
  return x < 0 and -r or r
end

local t0 = os.clock()
local sum, counts = 0, { 0, 0, 0 }
for i = 1, n do
  local m = models[i]
  local outcome = 3
  local total = 0
  if m.address ~= "" and m.started_on and months(m.started_on) >= 12 then
    local mt = m.metrics
    total = part(30, mt.beneficiaries, 1000) + part(20, mt.funds_vnd, 2e9)
          + part(15, mt.workdays, 5000) + part(15, mt.participants, 5000)
          + part(10, mt.houses, 50) + (m.registration == "tiep-tuc" and 10 or 5)
    total = round2(total)
    outcome = total >= 60 and 1 or total >= 35 and 2 or 3
  end
  sum = sum + total
  counts[outcome] = counts[outcome] + 1
end
local t = os.clock() - t0
print(string.format("eval_cpu %.3f", t))
print(string.format("eval_sum %.2f", sum))
