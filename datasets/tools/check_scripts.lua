-- datasets/tools/check_scripts.lua: runs the province scripts over the datasets with plain
-- lua5.4 and a minimal stand-in for the dvk engine, to check the calibration while the C
-- engine is not at hand. The real check is `dvk demo` / tests; this tool only mirrors the
-- documented semantics (gates, criteria, first outcome met, quotas per unit, proposals).
--
-- Usage (from the repository root):
--   lua5.4 datasets/tools/check_scripts.lua            runs every row of datasets/demo.csv
--   prints one line per run and per figure of datasets/figures.csv, "ok" or "MISMATCH".

local ROOT = arg[1] or "."

local function read_file(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- RFC 4180 CSV: returns header, rows (tables keyed by column name).
local function parse_csv(text)
  local rows, row, field, i, n = {}, {}, {}, 1, #text
  local inq = false
  while i <= n do
    local c = text:sub(i, i)
    if inq then
      if c == '"' then
        if text:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1
        else inq = false end
      else field[#field + 1] = c end
    else
      if c == '"' then inq = true
      elseif c == "," then row[#row + 1] = table.concat(field); field = {}
      elseif c == "\n" then
        row[#row + 1] = table.concat(field); field = {}
        rows[#rows + 1] = row; row = {}
      elseif c ~= "\r" then field[#field + 1] = c end
    end
    i = i + 1
  end
  if #field > 0 or #row > 0 then row[#row + 1] = table.concat(field); rows[#rows + 1] = row end
  local header = table.remove(rows, 1)
  local out = {}
  for _, r in ipairs(rows) do
    local t = {}
    for k, h in ipairs(header) do t[h] = r[k] end
    out[#out + 1] = t
  end
  return header, out
end

local function list_dir(dir)
  local p = io.popen('ls "' .. dir .. '"')
  local out = {}
  for l in p:lines() do if l:match("%.csv$") then out[#out + 1] = dir .. "/" .. l end end
  p:close()
  return out
end

-- The dvk stand-in -------------------------------------------------------------------------
local function round2(x)
  local v = math.abs(x) * 100
  local r = math.floor(v + 0.5 + 1e-9 * (v > 1 and v or 1))
  return (x < 0 and -1 or 1) * r / 100
end
local function months(d1, d2)
  assert(d1 and d2, "months: nil date")
  local y1, m1, a1 = d1:match("(%d+)-(%d+)-(%d+)")
  local y2, m2, a2 = d2:match("(%d+)-(%d+)-(%d+)")
  local n = (tonumber(y2) - tonumber(y1)) * 12 + tonumber(m2) - tonumber(m1)
  if n > 0 and tonumber(a2) < tonumber(a1) then n = n - 1
  elseif n < 0 and tonumber(a2) > tonumber(a1) then n = n + 1 end
  return n
end

local env
local loaded = {}
local dvk = {
  clamp = function(x, lo, hi) lo = lo or 0; hi = hi or 1; return x < lo and lo or x > hi and hi or x end,
  scale = function(x, lo, hi)
    assert(x ~= nil, "dvk.scale: nil")
    local r = (x - lo) / (hi - lo); return r < 0 and 0 or r > 1 and 1 or r end,
  months = months,
  years = function(a, b) return months(a, b) // 12 end,
  round = round2,
  lower = string.lower, key = string.lower, upper = string.upper,
  number = function(x) return tostring(x) end, date = function(iso) return tostring(iso) end,
  province = function(t) t.__kind = "province"; return t end,
  test = function(t) t.__kind = "test"; return t end,
}
dvk.require = function(name)
  if loaded[name] == nil then
    local chunk = assert(load(read_file(ROOT .. "/scripts/lib/" .. name .. ".lua"),
                              "@scripts/lib/" .. name .. ".lua", "t", env))
    loaded[name] = chunk()
  end
  return loaded[name]
end
env = { dvk = dvk, string = string, math = math, table = table, ipairs = ipairs, pairs = pairs,
        tostring = tostring, tonumber = tonumber, type = type, error = error, assert = assert,
        select = select, next = next, pcall = pcall }

local function load_script(path)
  return assert(load(read_file(path), "@" .. path, "t", env))()
end

-- Data ---------------------------------------------------------------------------------------
local units, models, bycode = {}, {}, {}
local BASE = { code = 1, name = 1, unit = 1, kind = 1, category = 1, field = 1, level = 1,
               year = 1, registration = 1, started_on = 1, address = 1, description = 1,
               synthetic = 1 }

for _, f in ipairs(list_dir(ROOT .. "/datasets/units")) do
  local _, rows = parse_csv(read_file(f))
  for _, r in ipairs(rows) do
    local prov = r.code:match("^[^/]+")
    units[r.code] = { code = r.code, name = r.name, kind = r.kind, parent = r.parent,
                      province = prov }
  end
end
for _, f in ipairs(list_dir(ROOT .. "/datasets/models")) do
  local header, rows = parse_csv(read_file(f))
  for _, r in ipairs(rows) do
    local m = { metrics = {}, appraisal = {}, scores = {} }
    for _, h in ipairs(header) do
      if BASE[h] then m[h] = r[h] ~= "" and r[h] or nil
      elseif r[h] ~= "" then m.metrics[h] = tonumber(r[h]) end
    end
    m.year = tonumber(m.year)
    m.unit_code = m.unit
    m.unit = units[m.unit]
    assert(m.unit, "unknown unit " .. tostring(m.unit_code))
    m.province = m.unit.province
    models[#models + 1] = m
    bycode[m.code] = m
  end
end
for _, f in ipairs(list_dir(ROOT .. "/datasets/appraisals")) do
  local _, rows = parse_csv(read_file(f))
  for _, r in ipairs(rows) do
    local m = assert(bycode[r.model], r.model)
    local s = m.scores[r.criterion] or {}
    s[#s + 1] = tonumber(r.score)
    m.scores[r.criterion] = s
  end
end
for _, m in ipairs(models) do
  for c, s in pairs(m.scores) do
    local t = 0
    for _, x in ipairs(s) do t = t + x end
    m.appraisal[c] = t / #s
  end
end

local function in_subtree(code, root)
  if root == nil or root == "" then return true end
  while code and code ~= "" do
    if code == root then return true end
    code = units[code] and units[code].parent
  end
  return false
end

-- Decisions --------------------------------------------------------------------------------
local results = {}   -- list of {model, year, level, unit, outcome, recognised, exemplary, proposed}

local function history_of(m, year, level)
  local h = {}
  for _, r in ipairs(results) do
    if r.model == m and (r.year < year or (r.year == year and r.level ~= level)) then
      h[#h + 1] = { year = r.year, level = r.level, outcome = r.outcome,
                    recognised = r.recognised, exemplary = r.exemplary }
    end
  end
  return h
end

local function decide(p, year, level, unit, per_unit_mode)
  local li
  for i, l in ipairs(p.levels) do if l == level then li = i end end
  -- the level below: the nearest lower one that still exists (no district level from 2025)
  local below
  for i = li - 1, 1, -1 do
    if not (p.levels[i] == "huyen" and year > 2024) then below = p.levels[i]; break end
  end
  local cands, seen = {}, {}
  for _, m in ipairs(models) do
    if m.province == p.code and m.year == year and m.level == level and
       in_subtree(m.unit_code, unit) then
      cands[#cands + 1] = m; seen[m] = true
    end
  end
  for _, r in ipairs(results) do
    if r.proposed and r.year == year and r.level == below and not seen[r.model]
       and r.model.province == p.code and in_subtree(r.model.unit_code, unit) then
      cands[#cands + 1] = r.model; seen[r.model] = true
    end
  end
  local ctx = { year = year, level = level, cutoff = string.format("%d-%s", year, p.cutoff),
                province = p.code, unit = unit }
  local evs = {}
  for _, m in ipairs(cands) do
    m.history = history_of(m, year, level)
    local ev = { m = m, eligible = true, pts = {} }
    for _, g in ipairs(p.gates) do
      if g.applies == nil or g.applies(m, ctx) then
        local ok = g.test(m, ctx)
        if not ok then ev.eligible = false; ev.gate = g.id; break end
      end
    end
    local total = 0
    for _, c in ipairs(p.criteria) do
      if c.applies == nil or c.applies(m, ctx) then
        local pts = c.score(m, ctx)
        assert(type(pts) == "number" and pts >= 0 and pts <= c.max,
               ("%s %s: bad points %s"):format(m.code, c.id, tostring(pts)))
        ev.pts[c.id] = pts
        total = total + pts
      end
    end
    ev.total = round2(total)
    ev.oi = #p.outcomes
    if ev.eligible then
      for i, o in ipairs(p.outcomes) do
        if o.min == nil or ev.total >= o.min then ev.oi = i; break end
      end
    end
    evs[#evs + 1] = ev
  end
  for _, q in ipairs(p.quotas or {}) do
    if q.level == level then
      local qi
      for i, o in ipairs(p.outcomes) do if o.id == q.outcome then qi = i end end
      local groups = {}
      for _, ev in ipairs(evs) do
        if ev.oi == qi then
          local g = q.per == "unit" and (per_unit_mode == "model" and ev.m.unit_code or unit) or ""
          groups[g] = groups[g] or {}
          table.insert(groups[g], ev)
        end
      end
      for _, g in pairs(groups) do
        table.sort(g, function(a, b)
          if a.total ~= b.total then return a.total > b.total end
          for _, t in ipairs(q.tiebreak or {}) do
            if (a.pts[t] or 0) ~= (b.pts[t] or 0) then return (a.pts[t] or 0) > (b.pts[t] or 0) end
          end
          return a.m.code < b.m.code
        end)
        for k = q.max + 1, #g do g[k].oi = qi + 1 end
      end
    end
  end
  local sum = { candidates = #evs, recognised = 0, exemplary = 0, proposed = 0 }
  for _, ev in ipairs(evs) do
    local o = p.outcomes[ev.oi]
    local r = { model = ev.m, year = year, level = level, unit = unit, outcome = o.id,
                recognised = (o.recognised == nil and ev.oi < #p.outcomes) or o.recognised == true,
                exemplary = o.exemplary and true or false,
                proposed = (o.propose and li < #p.levels) and true or false }
    results[#results + 1] = r
    if r.recognised then sum.recognised = sum.recognised + 1 end
    if r.exemplary then sum.exemplary = sum.exemplary + 1 end
    if r.proposed then sum.proposed = sum.proposed + 1 end
  end
  return sum
end

-- Test mode: `lua5.4 check_scripts.lua . FILE_test.lua...` evaluates dvk.test cases -------------
local function eval_case(p, t, case)
  local level, year = t.level, t.year   -- like the engine: one level and year per file
  local ctx = { year = year, level = level, cutoff = string.format("%d-%s", year, p.cutoff),
                province = p.code }
  local m = {}
  for k, v in pairs(case.model) do m[k] = v end
  local u = units[m.unit] or { code = m.unit, province = t.province }
  m.unit = u
  m.history = m.history or {}
  m.level = m.level or level
  m.appraisal = m.appraisal or {}
  local ev = { eligible = true }
  for _, g in ipairs(p.gates) do
    if g.applies == nil or g.applies(m, ctx) then
      if not g.test(m, ctx) then ev.eligible = false; ev.gate = g.id; break end
    end
  end
  local total = 0
  ev.points = {}
  for _, c in ipairs(p.criteria) do
    if c.applies == nil or c.applies(m, ctx) then
      local pts = c.score(m, ctx)
      assert(type(pts) == "number" and pts >= 0 and pts <= c.max, c.id)
      total = total + pts
      ev.points[c.id] = pts
    else
      ev.points[c.id] = false
    end
  end
  ev.total = ev.eligible and round2(total) or 0
  local oi = #p.outcomes
  if ev.eligible then
    for i, o in ipairs(p.outcomes) do
      if o.min == nil or ev.total >= o.min then oi = i; break end
    end
  end
  local o = p.outcomes[oi]
  ev.outcome = o.id
  ev.recognised = (o.recognised == nil and oi < #p.outcomes) or o.recognised == true
  ev.exemplary = o.exemplary == true
  ev.proposed = ev.eligible and o.propose == true
  return ev
end

if arg[2] then
  local bad, good = 0, 0
  for i = 2, #arg do
    local t = load_script(arg[i])
    local p = load_script(ROOT .. "/scripts/provinces/" .. t.province .. ".lua")
    for _, case in ipairs(t.cases) do
      local ev = eval_case(p, t, case)
      local ok = true
      for k, v in pairs(case.expect) do
        local got = ev[k]
        if k == "points" then
          got = v
          for c, pts in pairs(v) do
            if ev.points[c] ~= pts and not (pts and ev.points[c] and
                                            math.abs(pts - ev.points[c]) <= 0.005) then
              got = "points of " .. c .. " = " .. tostring(ev.points[c])
            end
          end
        elseif k == "gate" and v == false then
          v = nil
        end
        if got ~= v then
          ok = false
          print(("%s: case %s: expected %s %s, got %s"):format(arg[i], case.name, k,
                tostring(v), tostring(got)))
        end
      end
      if ok then good = good + 1 else bad = bad + 1 end
    end
  end
  print(("%d passed, %d failed"):format(good, bad))
  os.exit(bad == 0 and 0 or 1)
end

-- Main: run datasets/demo.csv, then check datasets/figures.csv -------------------------------
local mode = os.getenv("PER_UNIT") or "run"
local scripts = {}
local _, runs = parse_csv(read_file(ROOT .. "/datasets/demo.csv"))
local bad = 0
for _, r in ipairs(runs) do
  local p = scripts[r.province]
  if not p then
    p = load_script(ROOT .. "/scripts/provinces/" .. r.province .. ".lua")
    scripts[r.province] = p
  end
  -- "*" (every unit its own run, --each-unit): the same outcomes as one run for the whole
  -- province when the level has no per-unit quota, which is so for every "*" row
  local unit = r.unit ~= "" and r.unit ~= "*" and r.unit or nil
  local s = decide(p, tonumber(r.year), r.level, unit, mode)
  local reg = 0
  for _, m in ipairs(models) do
    if m.province == r.province and m.year == tonumber(r.year) and m.level == r.level and
       in_subtree(m.unit_code, unit) then reg = reg + 1 end
  end
  local line = ("%-11s %s %-6s %-36s reg %4d cand %4d rec %4d ex %4d prop %3d"):format(
    r.province, r.year, r.level, unit or "-", reg, s.candidates, s.recognised, s.exemplary,
    s.proposed)
  local ok = true
  for k, v in pairs({ expect_registered = reg, expect_recognised = s.recognised,
                      expect_exemplary = s.exemplary, expect_proposed = s.proposed }) do
    if r[k] ~= "" and tonumber(r[k]) ~= v then ok = false; line = line .. " " .. k .. "=" .. r[k] end
  end
  if not ok then bad = bad + 1 end
  print((ok and "ok       " or "MISMATCH ") .. line)
end

-- Figures: counts over models (registered) or over results (recognised/exemplary/proposed).
local function years_of(y)
  local a, b = y:match("^(%d+)%-(%d+)$")
  if a then return tonumber(a), tonumber(b) end
  return tonumber(y), tonumber(y)
end
local _, figs = parse_csv(read_file(ROOT .. "/datasets/figures.csv"))
for _, f in ipairs(figs) do
  local y1, y2 = years_of(f.year)
  local scope = f.unit ~= nil and f.unit ~= "" and f.unit or f.province
  local function match_key(m, level)
    if f.by == "" then return true end
    if f.by == "level" then return level == f.key end
    if f.by == "unit" then return in_subtree(m.unit_code, f.key) end
    return m[f.by] == f.key
  end
  local n = 0
  if f.what == "units_recognising" then
    local seen = {}
    for _, r in ipairs(results) do
      local m = r.model
      if r.recognised and in_subtree(m.unit_code, scope) and r.year >= y1 and r.year <= y2 and
         match_key(m, r.level) then
        local u = m.unit_code
        while units[u].parent ~= scope do u = units[u].parent end
        if not seen[u] then seen[u] = true; n = n + 1 end
      end
    end
  elseif f.what == "registered" then
    for _, m in ipairs(models) do
      if in_subtree(m.unit_code, scope) and m.year >= y1 and m.year <= y2 and
         match_key(m, m.level) then n = n + 1 end
    end
  else
    local counted = {}
    for _, r in ipairs(results) do
      local m = r.model
      if r[f.what] and in_subtree(m.unit_code, scope) and r.year >= y1 and r.year <= y2 and
         match_key(m, r.level) then
        local k = f.by == "level" and (m.code .. r.level) or m.code
        if not counted[k] then counted[k] = true; n = n + 1 end
      end
    end
  end
  local ok = n == tonumber(f.value)
  if not ok then bad = bad + 1 end
  print(("%s figure %-10s %-9s %-12s %-10s %-28s %5d (published %s)"):format(
    ok and "ok      " or "MISMATCH", f.province, f.year, f.what, f.by, f.key, n, f.value))
end
os.exit(bad == 0 and 0 or 1)
