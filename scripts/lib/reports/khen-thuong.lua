-- scripts/lib/reports/khen-thuong.lua: dự toán khen thưởng: hình thức và số tiền thưởng cho các điển hình tiêu biểu và các mô hình được đề nghị lên trên, và tổng kinh phí
--
-- Tiền thưởng = hệ số x mức lương cơ sở có hiệu lực vào ngày quyết định, làm tròn LÊN đến
-- 10.000 đồng; tập thể khác cá nhân. Hệ số, hình thức và lương cơ sở là dữ liệu có thời hạn
-- trong scripts/lib/van_ban.lua (tỉnh có thể thay bằng decision.awards). Mọi phép tính dùng số
-- nguyên (hệ số tính theo phần trăm) nên không có sai số làm tròn.

local bc = dvk.require("bao_cao")
local van_ban = dvk.require("van_ban")

-- Round an amount in đồng up to a multiple of 10,000.
local function lam_tron(vnd)
  return (vnd + 9999) // 10000 * 10000
end

-- The award form for level at date: the province's decision.awards, else van_ban.lua.
local function hinh_thuc(d, level, date)
  local list = (d.awards and d.awards[level]) or van_ban.KHEN_THUONG[level]
  return list and van_ban.mot(list, date)
end

-- One table of awards for rows with award form `award`; returns the total.
local function bang(doc, title, rows, award, luong, note)
  local list, tong, n_tt, n_cn = {}, 0, 0, 0
  for i, r in ipairs(rows) do
    local tap_the = r.kind == "tap-the"
    local he_so = tap_the and award.tap_the or award.ca_nhan
    local tien = lam_tron(he_so * luong.vnd // 100)
    tong = tong + tien
    if tap_the then n_tt = n_tt + 1 else n_cn = n_cn + 1 end
    list[i] = { i, r.name, r.unit_name, r.kind_name, he_so / 100, tien }
  end
  doc:table{
    title = title,
    columns = {
      { id = "stt", title = "STT", type = "int", width = 5 },
      { id = "ten", title = "Tên mô hình, điển hình" },
      { id = "don_vi", title = "Đơn vị" },
      { id = "doi_tuong", title = "Đối tượng" },
      { id = "he_so", title = "Hệ số", type = "num" },
      { id = "tien", title = "Tiền thưởng (đồng)", type = "money" },
    },
    rows = list,
    totals = { nil, "Tổng cộng", nil, nil, nil, tong },
    footnotes = { award.ten .. " (" .. award.nguon .. "). Tiền thưởng = hệ số x mức lương cơ sở, "
      .. "làm tròn lên đến 10.000 đồng." .. (note or "") },
  }
  return tong, n_tt, n_cn
end

return function(run, doc)
  local cap = bc.cap(run)
  local date, tam_tinh = bc.ngay_tinh(run)
  local d = bc.cai_dat(run)
  doc:title(string.format("Dự toán khen thưởng mô hình \"Dân vận khéo\" %s năm %d - %s", cap,
                          run.year, run.province_name))
  doc:heading("DỰ TOÁN KINH PHÍ KHEN THƯỞNG", 1)
  doc:paragraph(string.format("Mô hình, điển hình \"Dân vận khéo\" %s năm %d được khen thưởng - "
    .. "tỉnh %s", cap, run.year, run.province_name), "bold center")
  doc:paragraph(bc.ghi_dot_xet(run), "italic center")

  -- This level commends its exemplary models; the models it proposes go to the level above,
  -- which commends them with its own award form (shown as an estimate, paid by that level).
  local award = hinh_thuc(d, run.level, date)
  local levels = run.province_info.levels or {}
  local tren
  for i, l in ipairs(levels) do
    if l == run.level then tren = levels[i + 1] end
  end
  local award_tren = tren and hinh_thuc(d, tren, date)
  local luong = van_ban.mot(van_ban.LUONG_CO_SO, date)
  local rows = run:results{ exemplary = true }
  local proposed = run:results{ proposed = true }

  local info = { { "Tính theo", dvk.date(date) .. (tam_tinh
    and " (tạm tính: đợt xét chưa có ngày quyết định)" or " (ngày quyết định)") } }
  if luong then
    info[#info + 1] = { "Mức lương cơ sở",
                        dvk.number(luong.vnd) .. " đồng (" .. luong.nguon .. ")" }
  end
  if award then
    info[#info + 1] = { "Hình thức", award.ten }
    info[#info + 1] = { "Hệ số", string.format("cá nhân, hộ gia đình %s; tập thể %s",
      dvk.number(award.ca_nhan / 100), dvk.number(award.tap_the / 100)) }
  end
  doc:kv(info)
  if not award or not luong then
    doc:paragraph(string.format("Chưa có hình thức khen thưởng hoặc mức lương cơ sở áp dụng cho "
      .. "%s vào %s: cần bổ sung dữ liệu trong scripts/lib/van_ban.lua hoặc decision.awards "
      .. "của tỉnh.", cap, dvk.date(date)), "italic")
    return
  end

  if #rows == 0 then
    doc:paragraph("Đợt xét này không có điển hình tiêu biểu được khen thưởng.", "italic")
  end
  local tong, n_tt, n_cn = bang(doc, "Khen thưởng điển hình tiêu biểu", rows, award, luong)
  doc:paragraph(string.format("Tổng kinh phí khen thưởng: %s đồng cho %s tập thể và %s cá nhân, "
    .. "hộ gia đình.", dvk.number(tong), dvk.number(n_tt), dvk.number(n_cn)), "bold")

  if #proposed > 0 and award_tren then
    local t2 = bang(doc, "Đề nghị cấp trên khen thưởng (dự kiến)", proposed, award_tren, luong,
                    " Kinh phí do cấp trên chi, không cộng vào tổng trên.")
    doc:paragraph(string.format("Dự kiến kinh phí cấp trên khen thưởng các mô hình được đề nghị: "
      .. "%s đồng.", dvk.number(t2)), "italic")
  elseif #proposed > 0 then
    doc:paragraph(string.format("%s mô hình được đề nghị cấp trên khen thưởng.",
                                dvk.number(#proposed)), "italic")
  end
end
