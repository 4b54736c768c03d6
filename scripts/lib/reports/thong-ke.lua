-- scripts/lib/reports/thong-ke.lua: thống kê đăng ký / công nhận / điển hình theo lĩnh vực, đơn vị, cấp, đối tượng và hình thức đăng ký
--
-- Số liệu như các tỉnh công bố ("2.537 mô hình đăng ký, 1.280 được công nhận, 179 điển hình";
-- theo lĩnh vực "1.600 đăng ký, 803 công nhận"): mỗi bảng có dòng tổng cộng và tỷ lệ công nhận.
-- "Đăng ký" là các hồ sơ được đợt xét này xem xét (đăng ký ở cấp này và do cấp dưới đề nghị);
-- đợt xét cấp tỉnh của toàn tỉnh thống kê cả năm: mọi hồ sơ đăng ký ở mọi cấp, như `dvk stats`.
-- Với --successors, đơn vị không còn tồn tại được tính vào đơn vị kế thừa.

local bc = dvk.require("bao_cao")

local COLUMNS = {
  { id = "ten", title = "" },
  { id = "dang_ky", title = "Đăng ký", type = "int" },
  { id = "cong_nhan", title = "Công nhận", type = "int" },
  { id = "ty_le", title = "Tỷ lệ công nhận", type = "pct" },
  { id = "dien_hinh", title = "Điển hình", type = "int" },
  { id = "de_nghi", title = "Đề nghị cấp trên", type = "int" },
}

-- At the province's top level nothing is proposed upward: the column is left out there.
local function cap_cao_nhat(run)
  local levels = run.province_info.levels or {}
  return levels[#levels] == run.level
end

-- One table of run:stats(by) with a totals row; returns the totals.
local function bang(run, doc, by, title, first, footnotes)
  local stats = run:stats(by)
  local rows = {}
  local t = { reg = 0, rec = 0, ex = 0, prop = 0 }
  for i, s in ipairs(stats) do
    rows[i] = { s.name, s.registered, s.recognised, bc.ty_le(s.recognised, s.registered),
                s.exemplary, s.proposed }
    t.reg = t.reg + s.registered
    t.rec = t.rec + s.recognised
    t.ex = t.ex + s.exemplary
    t.prop = t.prop + s.proposed
  end
  local cols = {}
  local n = cap_cao_nhat(run) and #COLUMNS - 1 or #COLUMNS
  for i = 1, n do
    local c = COLUMNS[i]
    cols[i] = { id = c.id, title = c.title, type = c.type }
  end
  cols[1].title = first
  doc:table{
    title = title, columns = cols, rows = rows,
    totals = { "Tổng cộng", t.reg, t.rec, bc.ty_le(t.rec, t.reg), t.ex, t.prop },
    footnotes = footnotes,
  }
  return t, stats
end

return function(run, doc)
  local cap = bc.cap(run)
  doc:title(string.format("Thống kê mô hình \"Dân vận khéo\" %s năm %d - %s", cap, run.year,
                          run.province_name))
  doc:heading("BÁO CÁO THỐNG KÊ", 1)
  doc:paragraph(string.format("Kết quả xét công nhận mô hình, điển hình \"Dân vận khéo\" %s "
    .. "năm %d - tỉnh %s", cap, run.year, run.province_name), "bold center")
  doc:paragraph(bc.ghi_dot_xet(run), "italic center")

  local by_field = run:stats("field")
  local total = { reg = 0, rec = 0, ex = 0, prop = 0 }
  for _, s in ipairs(by_field) do
    total.reg = total.reg + s.registered
    total.rec = total.rec + s.recognised
    total.ex = total.ex + s.exemplary
    total.prop = total.prop + s.proposed
  end
  local tong = string.format("Tổng số %s mô hình, điển hình đăng ký; %s được công nhận (%s), "
    .. "trong đó %s điển hình tiêu biểu", dvk.number(total.reg), dvk.number(total.rec),
    bc.ghi_ty_le(total.rec, total.reg), dvk.number(total.ex))
  if not cap_cao_nhat(run) then
    tong = tong .. string.format("; %s được đề nghị cấp trên xem xét", dvk.number(total.prop))
  end
  doc:paragraph(tong .. ".")

  local t, stats = bang(run, doc, "field", "1. Theo lĩnh vực", "Lĩnh vực")
  local cats, reg, rec = {}, {}, {}
  for i, s in ipairs(stats) do
    cats[i], reg[i], rec[i] = s.name, s.registered, s.recognised
  end
  if #cats > 0 then
    doc:chart{ type = "bar", title = "Đăng ký và công nhận theo lĩnh vực", categories = cats,
               series = { { name = "Đăng ký", values = reg }, { name = "Công nhận", values = rec } } }
  end

  local notes = {}
  if run.options.successors then
    notes[1] = "Đơn vị không còn tồn tại (sáp nhập, giải thể) được tính vào đơn vị kế thừa."
  end
  bang(run, doc, "unit", "2. Theo đơn vị", "Đơn vị", notes)

  bang(run, doc, "level", "3. Theo cấp đăng ký", "Cấp")

  local _, kinds = bang(run, doc, "kind", "4. Theo đối tượng", "Đối tượng")
  local kc, kr, kn = {}, {}, {}
  for i, s in ipairs(kinds) do
    kc[i], kr[i], kn[i] = s.name, s.recognised, s.registered - s.recognised
  end
  if #kc > 0 then
    doc:chart{ type = "stacked", title = "Kết quả theo đối tượng", categories = kc,
               series = { { name = "Công nhận", values = kr },
                          { name = "Không công nhận", values = kn } } }
  end

  bang(run, doc, "registration", "5. Theo hình thức đăng ký", "Hình thức")

  local outcomes = run:stats("outcome")
  local rows = {}
  for i, s in ipairs(outcomes) do
    rows[i] = { s.name, s.registered, bc.ty_le(s.registered, t.reg) }
  end
  doc:table{
    title = "6. Theo kết quả",
    columns = { { id = "ket_qua", title = "Kết quả" }, { id = "so", title = "Số mô hình", type = "int" },
                { id = "ty_le", title = "Tỷ lệ", type = "pct" } },
    rows = rows,
    totals = { "Tổng cộng", t.reg, bc.ty_le(t.reg, t.reg) },
  }
end
