-- scripts/lib/reports/quyet-dinh.lua: quyết định công nhận mô hình, điển hình "Dân vận khéo" và danh sách kèm theo
--
-- Bố cục theo Nghị định 30/2020/NĐ-CP (văn bản nhà nước) và mẫu văn bản của Đảng: phần đầu hai
-- cột, tên loại và trích yếu, căn cứ, "QUYẾT ĐỊNH:", các điều, nơi nhận và chữ ký; sau ngắt
-- trang là danh sách kèm theo, chia theo kết quả (tốt nhất trước), trong mỗi nhóm xếp theo tên
-- mô hình theo thứ tự tiếng Việt. Họ văn bản (state | party), nơi ban hành, người ký... lấy
-- từ bảng `decision` của tỉnh; căn cứ và tên cơ quan theo ngày quyết định (van_ban.lua).

local bc = dvk.require("bao_cao")

return function(run, doc)
  local cap = bc.cap(run)
  local o = bc.ban_hanh(run)
  local rows = run:results{ recognised = true }
  local proposed = run:results{ proposed = true }
  local loai = bc.dem_doi_tuong(rows)
  local exemplary = 0
  for _, r in ipairs(rows) do
    if r.exemplary then exemplary = exemplary + 1 end
  end

  doc:title(string.format("Quyết định công nhận mô hình \"Dân vận khéo\" %s năm %d - %s",
                          cap, run.year, run.unit_name or run.province_name))
  -- Quyết định đã bị thu hồi (Luật Thi đua, Khen thưởng 2022, Chương VII): bản gốc vẫn in,
  -- có ghi chú thu hồi; thu hồi từng mô hình được liệt kê sau danh sách kèm theo.
  local thu_hoi_mo_hinh = {}
  for _, v in ipairs(run.revocations or {}) do
    if v.model_code then
      thu_hoi_mo_hinh[#thu_hoi_mo_hinh + 1] = v
    else
      doc:paragraph(string.format("Đã bị thu hồi theo Quyết định số %s %s (%s)", v.number,
                                  dvk.date(v.date), v.reason), "bold center")
    end
  end
  bc.phan_dau(run, doc)
  doc:heading("QUYẾT ĐỊNH", 1)
  doc:paragraph(string.format("Về việc công nhận mô hình, điển hình \"Dân vận khéo\" %s năm %d",
                              cap, run.year), "bold center")
  doc:paragraph(o.tham_quyen, "bold center")
  for _, text in ipairs(bc.can_cu(run)) do
    doc:paragraph("Căn cứ " .. text .. ";", "italic")
  end
  local d = bc.quyet_dinh(run)
  doc:paragraph(d.proposer or string.format("Xét đề nghị của Hội đồng xét công nhận mô hình, "
    .. "điển hình \"Dân vận khéo\" %s năm %d.", cap, run.year), "italic")
  doc:paragraph("QUYẾT ĐỊNH:", "bold center")

  local dieu1
  if #rows == 0 then
    dieu1 = string.format("Điều 1. Đợt xét %s năm %d không có mô hình, điển hình nào đủ điều "
      .. "kiện công nhận.", cap, run.year)
  else
    dieu1 = string.format("Điều 1. Công nhận %s mô hình, điển hình \"Dân vận khéo\" %s năm %d "
      .. "(gồm %s)", dvk.number(#rows), cap, run.year, bc.ghi_doi_tuong(loai))
    if exemplary > 0 then
      dieu1 = dieu1 .. string.format(", trong đó %s điển hình tiêu biểu", dvk.number(exemplary))
    end
    dieu1 = dieu1 .. " (có danh sách kèm theo)."
  end
  doc:paragraph(dieu1)
  if #proposed > 0 then
    doc:paragraph(string.format("Đề nghị cấp trên xem xét, công nhận và khen thưởng %s mô hình, "
      .. "điển hình tiêu biểu (có tên trong danh sách kèm theo).", dvk.number(#proposed)))
  end
  doc:paragraph("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
  doc:paragraph("Điều 3. " .. o.thi_hanh)
  bc.noi_nhan(run, doc)
  bc.chu_ky(run, doc)
  bc.ma_kiem_tra(run, doc)

  -- Danh sách kèm theo.
  doc:page_break()
  doc:heading("DANH SÁCH", 2)
  doc:paragraph(string.format("Mô hình, điển hình \"Dân vận khéo\" %s năm %d được công nhận",
                              cap, run.year), "bold center")
  -- "ngày 20 tháng 12 năm 2023", or blanks to fill in before the year while there is no date
  local ngay = dvk.date(run.decision_date or tostring(run.year))
  doc:paragraph(string.format("(Kèm theo Quyết định số %s %s của %s)", bc.so_ky_hieu(run, o),
    ngay, o.ten_day_du), "italic center")

  -- Nhóm theo kết quả, giữ thứ tự của run:results (kết quả tốt nhất trước, tên theo ABC).
  local groups, order = {}, {}
  for _, r in ipairs(rows) do
    if not groups[r.outcome] then
      groups[r.outcome] = { name = r.outcome_name, rows = {} }
      order[#order + 1] = r.outcome
    end
    table.insert(groups[r.outcome].rows, r)
  end
  local roman = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X" }
  if #order == 0 then
    doc:paragraph("Không có mô hình, điển hình nào được công nhận.", "italic center")
  end
  for gi, id in ipairs(order) do
    local g = groups[id]
    local list = {}
    for i, r in ipairs(g.rows) do
      list[i] = { i, r.name, r.unit_name, r.field_name, r.kind_name, r.total }
    end
    doc:table{
      title = string.format("%s. %s (%s)", roman[gi] or tostring(gi), g.name, dvk.number(#g.rows)),
      columns = {
        { id = "stt", title = "STT", type = "int", width = 5 },
        { id = "ten", title = "Tên mô hình, điển hình" },
        { id = "don_vi", title = "Đơn vị thực hiện" },
        { id = "linh_vuc", title = "Lĩnh vực" },
        { id = "loai", title = "Đối tượng" },
        { id = "diem", title = "Điểm", type = "num" },
      },
      rows = list,
    }
  end
  if #proposed > 0 then
    local list = {}
    for i, r in ipairs(proposed) do
      list[i] = { i, r.name, r.unit_name, r.field_name, r.kind_name, r.total }
    end
    doc:table{
      title = string.format("%s. Đề nghị cấp trên công nhận, khen thưởng (%s)",
                            roman[#order + 1] or tostring(#order + 1), dvk.number(#proposed)),
      columns = {
        { id = "stt", title = "STT", type = "int", width = 5 },
        { id = "ten", title = "Tên mô hình, điển hình" },
        { id = "don_vi", title = "Đơn vị thực hiện" },
        { id = "linh_vuc", title = "Lĩnh vực" },
        { id = "loai", title = "Đối tượng" },
        { id = "diem", title = "Điểm", type = "num" },
      },
      rows = list,
    }
  end
  if #thu_hoi_mo_hinh > 0 then
    local ten = {}
    for _, r in ipairs(run:results{}) do ten[r.code] = r.name end
    doc:paragraph("Mô hình, điển hình đã bị thu hồi công nhận:", "bold")
    for _, v in ipairs(thu_hoi_mo_hinh) do
      doc:paragraph(string.format("- %s (%s): thu hồi theo Quyết định số %s %s (%s).",
        ten[v.model_code] or v.model_code, v.model_code, v.number, dvk.date(v.date), v.reason))
    end
  end
  bc.ma_kiem_tra(run, doc)
end
