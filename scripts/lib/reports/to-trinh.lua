-- scripts/lib/reports/to-trinh.lua: tờ trình đề nghị cấp trên công nhận, khen thưởng các mô hình, điển hình được đề nghị
--
-- Văn bản của cơ quan đã xét (cùng họ văn bản, cơ quan, địa danh và chữ ký như quyết định của
-- đợt xét: the_thuc.lua) gửi cấp trên (the_thuc: kinh_gui; tỉnh ghi decision.superior): kết
-- quả đợt xét, rồi danh sách mô hình, điển hình đề nghị (run:results{proposed = true}). Số tờ
-- trình để trống (điền tay); ký hiệu "TTr" (nhà nước: "Số: …/TTr-UBND"; Đảng: "Số …-TTr/…").

local bc = dvk.require("bao_cao")

local function mot(run, doc, tieu_de)
  local cap = bc.cap(run)
  local o = bc.ban_hanh(run)
  local rows = run:results{ recognised = true }
  local proposed = run:results{ proposed = true }
  local exemplary = 0
  for _, r in ipairs(rows) do
    if r.exemplary then exemplary = exemplary + 1 end
  end
  if tieu_de then
    doc:title(string.format("Tờ trình đề nghị công nhận mô hình, điển hình \"Dân vận khéo\" "
      .. "năm %d - %s", run.year, run.unit_name or run.province_name))
  end
  bc.phan_dau(run, doc, "TTr")
  doc:heading("TỜ TRÌNH", 1)
  doc:paragraph(string.format("Về việc đề nghị công nhận, khen thưởng mô hình, điển hình "
    .. "\"Dân vận khéo\" năm %d", run.year), "bold center")
  doc:paragraph("Kính gửi: " .. o.kinh_gui, "center")
  -- Tờ trình là của cơ quan (Ủy ban nhân dân ...), quyết định là của chủ tịch.
  local ai = (o.ten_day_du:gsub("^Chủ tịch ", ""))
  local so = bc.so_ky_hieu(run, o)
  local ngay = run.decision_date and dvk.date(run.decision_date) or ""
  local ket_qua
  if run.status == "final" then
    ket_qua = string.format("Thực hiện phong trào thi đua \"Dân vận khéo\", năm %d %s đã xét và "
      .. "ban hành Quyết định số %s %s công nhận %s mô hình, điển hình \"Dân vận khéo\" %s, "
      .. "gồm %s", run.year, ai, so, ngay, dvk.number(#rows), cap,
      bc.ghi_doi_tuong(bc.dem_doi_tuong(rows)))
  else
    ket_qua = string.format("Thực hiện phong trào thi đua \"Dân vận khéo\", năm %d %s đã xét "
      .. "%s mô hình, điển hình \"Dân vận khéo\" %s đủ điều kiện công nhận (dự thảo, chưa có "
      .. "quyết định)", run.year, ai, dvk.number(#rows), cap)
  end
  if #rows == 0 then
    ket_qua = string.format("Thực hiện phong trào thi đua \"Dân vận khéo\", năm %d %s không có "
      .. "mô hình, điển hình nào đủ điều kiện công nhận", run.year, ai)
  elseif exemplary > 0 then
    ket_qua = ket_qua .. string.format(", trong đó %s điển hình tiêu biểu", dvk.number(exemplary))
  end
  doc:paragraph(ket_qua .. ".")
  if #proposed == 0 then
    doc:paragraph(string.format("Năm %d không có mô hình, điển hình nào được đề nghị cấp trên "
      .. "công nhận, khen thưởng.", run.year))
  else
    doc:paragraph(string.format("Để động viên, khích lệ và nhân rộng các mô hình, điển hình tiêu "
      .. "biểu, %s kính đề nghị %s xem xét, công nhận và khen thưởng %s mô hình, điển hình "
      .. "\"Dân vận khéo\" tiêu biểu sau (có danh sách kèm theo):", ai, o.kinh_gui,
      dvk.number(#proposed)))
    bc.bang_mo_hinh(run, doc, string.format("Danh sách đề nghị (%s)", dvk.number(#proposed)),
                    proposed)
  end
  doc:paragraph(string.format("Kính trình %s xem xét, quyết định./.", o.kinh_gui))
  doc:recipients{ "Như trên;", o.luu }
  bc.chu_ky(run, doc)
  bc.ma_kiem_tra(run, doc)
end

-- Đợt xét toàn tỉnh ở cấp dưới (bao_cao.don_vi_quyet_dinh): văn bản của từng đơn vị quyết
-- định (cơ quan ban hành là đơn vị ấy), mỗi đơn vị từ trang mới, theo thứ tự đơn vị.
return function(run, doc)
  local cac, khong = bc.don_vi_quyet_dinh(run)
  if not cac then return mot(run, doc, true) end
  doc:title(string.format("Tờ trình đề nghị công nhận mô hình, điển hình \"Dân vận khéo\" %s năm %d "
    .. "của các đơn vị - %s", bc.cap(run), run.year, run.province_name))
  bc.dau_tap(run, doc, "tờ trình", cac, khong)
  for _, v in ipairs(cac) do
    doc:page_break()
    mot(v, doc, false)
  end
end
