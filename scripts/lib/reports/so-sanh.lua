-- scripts/lib/reports/so-sanh.lua: so sánh hai đợt xét (what-if): mô hình đổi kết quả, qua lại ngưỡng công nhận hay chỉ tiêu, hoặc đổi hạng nhiều; tiêu chí làm thay đổi; bảng chuyển đổi kết quả
--
-- Dùng: dvk report A so-sanh --against B (A là đợt gốc, B là đợt so sánh, cùng tỉnh). Một mô
-- hình được liệt kê khi kết quả khác nhau, khi nó được công nhận ở một đợt mà không ở đợt kia
-- (qua ngưỡng hoặc bị chỉ tiêu đẩy xuống), khi hạng thay đổi quá K bậc, hoặc khi nó chỉ có ở
-- một đợt. Cột "Tiêu chí thay đổi" nêu các tiêu chí có điểm khác nhau (B - A).

local bc = dvk.require("bao_cao")

local K = 5   -- rank changes larger than this are listed

local function index(rows)
  local by = {}
  for _, r in ipairs(rows) do by[r.code] = r end
  return by
end

-- "hieu-qua +5; lan-toa -2" for the criteria whose points differ between a and b.
local function moved(sa, sb)
  local pa, pb, names, order = {}, {}, {}, {}
  for _, s in ipairs(sa or {}) do
    pa[s.criterion] = s.points
    if not names[s.criterion] then order[#order + 1] = s.criterion end
    names[s.criterion] = s.name
  end
  for _, s in ipairs(sb or {}) do
    pb[s.criterion] = s.points
    if not names[s.criterion] then order[#order + 1] = s.criterion end
    names[s.criterion] = s.name
  end
  local parts = {}
  for _, c in ipairs(order) do
    local delta = (pb[c] or 0) - (pa[c] or 0)
    if math.abs(delta) >= 0.005 then
      parts[#parts + 1] = string.format("%s %s%s", names[c], delta > 0 and "+" or "", bc.so(delta))
    end
  end
  return table.concat(parts, "; ")
end

return function(run, doc)
  local b = run.against
  if b == nil then
    error("so-sanh cần hai đợt xét: dvk report A so-sanh --against B", 0)
  end
  doc:title(string.format("So sánh đợt xét %d và %d - %s", run.id, b.id, run.province_name))
  doc:heading("SO SÁNH HAI ĐỢT XÉT", 1)
  doc:paragraph(string.format("Đợt %d (gốc) và đợt %d (so sánh) - tỉnh %s", run.id, b.id,
                              run.province_name), "bold center")
  doc:kv{
    { "Đợt gốc (A)", bc.dot_xet(run) },
    { "Đợt so sánh (B)", bc.dot_xet(b) },
    { "Ngưỡng đổi hạng", string.format("liệt kê khi hạng đổi quá %d bậc", K) },
  }

  local ra, rb = run:results(), b:results()
  local ia, ib = index(ra), index(rb)
  local sa, sb = run:scores(), b:scores()

  -- Outcome transitions, in outcome order of A then B ("-" for a model in one run only).
  local trans, keys = {}, {}
  local oname, oidx = {}, {}
  local function note_outcome(r)
    if r then oname[r.outcome], oidx[r.outcome] = r.outcome_name, r.outcome_index end
  end
  local function count(from, to)
    local k = from .. "\0" .. to
    if not trans[k] then
      trans[k] = { from = from, to = to, n = 0 }
      keys[#keys + 1] = k
    end
    trans[k].n = trans[k].n + 1
  end
  local changed = {}
  for _, x in ipairs(ra) do
    local y = ib[x.code]
    note_outcome(x)
    note_outcome(y)
    count(x.outcome, y and y.outcome or "-")
    local why
    if not y then
      why = "chỉ có ở đợt A"
    elseif x.outcome ~= y.outcome then
      why = (x.recognised ~= y.recognised) and "kết quả; qua ngưỡng công nhận" or "kết quả"
    elseif x.recognised ~= y.recognised then
      why = "qua ngưỡng công nhận"
    elseif x.rank and y.rank and math.abs(x.rank - y.rank) > K then
      why = string.format("hạng đổi %+d", y.rank - x.rank)
    end
    if why then
      changed[#changed + 1] = { x.code, x.name, x.outcome_name, y and y.outcome_name or "-",
                                x.rank, y and y.rank, x.total, y and y.total, why,
                                moved(sa[x.code], y and sb[x.code]) }
    end
  end
  for _, y in ipairs(rb) do
    if not ia[y.code] then
      note_outcome(y)
      count("-", y.outcome)
      changed[#changed + 1] = { y.code, y.name, "-", y.outcome_name, nil, y.rank, nil, y.total,
                                "chỉ có ở đợt B", moved(nil, sb[y.code]) }
    end
  end
  oname["-"], oidx["-"] = "(không có)", 1000
  table.sort(keys, function(p, q)
    local a, c = trans[p], trans[q]
    if oidx[a.from] ~= oidx[c.from] then return oidx[a.from] < oidx[c.from] end
    return oidx[a.to] < oidx[c.to]
  end)

  doc:paragraph(string.format("%s mô hình thay đổi giữa hai đợt (trên %s ở đợt A và %s ở đợt B).",
    bc.so(#changed), bc.so(#ra), bc.so(#rb)))
  local rows, total = {}, 0
  for i, k in ipairs(keys) do
    local t = trans[k]
    rows[i] = { oname[t.from], oname[t.to], t.n, t.from == t.to and "" or "thay đổi" }
    total = total + t.n
  end
  doc:table{
    title = "Chuyển đổi kết quả",
    columns = {
      { id = "a", title = "Kết quả đợt A" },
      { id = "b", title = "Kết quả đợt B" },
      { id = "so", title = "Số mô hình", type = "int" },
      { id = "ghi_chu", title = "Ghi chú" },
    },
    rows = rows,
    totals = { "Tổng cộng", nil, total, nil },
  }
  doc:table{
    title = "Mô hình thay đổi",
    columns = {
      { id = "ma", title = "Mã" },
      { id = "ten", title = "Tên mô hình, điển hình" },
      { id = "kq_a", title = "Kết quả A" },
      { id = "kq_b", title = "Kết quả B" },
      { id = "hang_a", title = "Hạng A", type = "int" },
      { id = "hang_b", title = "Hạng B", type = "int" },
      { id = "diem_a", title = "Điểm A", type = "num" },
      { id = "diem_b", title = "Điểm B", type = "num" },
      { id = "thay_doi", title = "Thay đổi" },
      { id = "tieu_chi", title = "Tiêu chí thay đổi (B - A)" },
    },
    rows = changed,
  }
end
