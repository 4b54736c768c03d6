-- scripts/lib/reports/so-sanh.lua: so sánh hai đợt xét (what-if): mô hình đổi kết quả, qua lại ngưỡng công nhận hay chỉ tiêu, hoặc đổi hạng nhiều; tiêu chí làm thay đổi; bảng chuyển đổi kết quả
--
-- Dùng: dvk report A so-sanh --against B (A là đợt gốc, B là đợt so sánh, cùng tỉnh). Một mô
-- hình được liệt kê khi kết quả khác nhau, khi nó được công nhận ở một đợt mà không ở đợt kia
-- (qua ngưỡng hoặc bị chỉ tiêu đẩy xuống), khi hạng thay đổi quá K bậc, hoặc khi nó chỉ có ở
-- một đợt. Cột "Tiêu chí thay đổi" nêu các tiêu chí có điểm khác nhau (B - A).

local bc = dvk.require("bao_cao")

local K = 5   -- rank changes larger than this are listed

-- "hieu-qua +5; lan-toa -2" for the criteria whose points differ between a and b.
local function tieu_chi_thay_doi(sa, sb)
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
      parts[#parts + 1] = names[c] .. " " .. (delta > 0 and "+" or "") .. dvk.number(delta)
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
    { "Đợt gốc (A)", bc.ghi_dot_xet(run) },
    { "Đợt so sánh (B)", bc.ghi_dot_xet(b) },
    { "Ngưỡng đổi hạng", string.format("liệt kê khi hạng đổi quá %d bậc", K) },
  }

  -- The comparison itself runs in SQL (run:compare), so big runs compare quickly; scores
  -- are read only for the models that changed.
  local cmp = run:compare(b.id, K)
  local changed = {}
  for _, x in ipairs(cmp.changed) do
    local why
    if x.outcome_b == nil then
      why = "chỉ có ở đợt A"
    elseif x.outcome_a == nil then
      why = "chỉ có ở đợt B"
    elseif x.outcome_a ~= x.outcome_b then
      why = (x.recognised_a ~= x.recognised_b) and "kết quả; qua ngưỡng công nhận" or "kết quả"
    elseif x.recognised_a ~= x.recognised_b then
      why = "qua ngưỡng công nhận"
    else
      why = string.format("hạng đổi %+d", x.rank_b - x.rank_a)
    end
    local sa = x.outcome_a and run:scores(x.code) or nil
    local sb = x.outcome_b and b:scores(x.code) or nil
    changed[#changed + 1] = { x.code, x.name, x.outcome_a_name or "-", x.outcome_b_name or "-",
                              x.rank_a, x.rank_b, x.total_a, x.total_b, why,
                              tieu_chi_thay_doi(sa, sb) }
  end
  local na, nb = 0, 0
  for _, t in ipairs(cmp.transitions) do
    if t.from then na = na + t.count end
    if t.to then nb = nb + t.count end
  end

  doc:paragraph(string.format("%s mô hình thay đổi giữa hai đợt (trên %s ở đợt A và %s ở đợt B).",
    dvk.number(#changed), dvk.number(na), dvk.number(nb)))
  local rows, total = {}, 0
  for i, t in ipairs(cmp.transitions) do
    rows[i] = { t.from_name or "(không có)", t.to_name or "(không có)", t.count,
                t.from == t.to and "" or "thay đổi" }
    total = total + t.count
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
