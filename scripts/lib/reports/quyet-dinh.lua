-- scripts/lib/reports/quyet-dinh.lua: quyết định công nhận mô hình, điển hình "Dân vận khéo" và danh sách kèm theo
--
-- Bố cục theo Nghị định 30/2020/NĐ-CP (văn bản nhà nước) và mẫu văn bản của Đảng: phần đầu hai
-- cột, tên loại và trích yếu, căn cứ, "QUYẾT ĐỊNH:", các điều, nơi nhận và chữ ký; sau ngắt
-- trang là danh sách kèm theo, chia theo kết quả (tốt nhất trước), trong mỗi nhóm xếp theo tên
-- mô hình theo thứ tự tiếng Việt. Họ văn bản (state | party), nơi ban hành, người ký... lấy
-- từ bảng `decision` của tỉnh; căn cứ và tên cơ quan theo ngày quyết định (van_ban.lua).

local bc = dvk.require("bao_cao")

-- Quyết định của một đơn vị (hay của đợt xét), tieu_de: có đặt tên tài liệu.
local function mot(run, doc, tieu_de)
  local cap = bc.cap(run)
  local o = bc.ban_hanh(run)
  local rows = run:results{ recognised = true }
  local proposed = run:results{ proposed = true }
  local loai = bc.dem_doi_tuong(rows)
  local exemplary = 0
  for _, r in ipairs(rows) do
    if r.exemplary then exemplary = exemplary + 1 end
  end

  if tieu_de then
    doc:title(string.format("Quyết định công nhận mô hình \"Dân vận khéo\" %s năm %d - %s",
                            cap, run.year, run.unit_name or run.province_name))
  end
  -- Quyết định đã bị thu hồi (Luật Thi đua, Khen thưởng 2022, Chương VII): bản gốc vẫn in,
  -- có ghi chú thu hồi; thu hồi từng mô hình được liệt kê sau danh sách kèm theo.
  for _, v in ipairs(run.revocations or {}) do
    if not v.model_code then
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
    doc:paragraph(bc.dong_can_cu(run, text))
  end
  local d = bc.cai_dat(run)
  doc:paragraph((o.ho == "party" and "- " or "") .. (d.proposer or string.format("Xét đề nghị "
    .. "của Hội đồng xét công nhận mô hình, điển hình \"Dân vận khéo\" %s năm %d.", cap,
    run.year)), o.the_thuc.xet_de_nghi_kieu)
  doc:paragraph("QUYẾT ĐỊNH:", "bold center")

  local dieu1
  if #rows == 0 then
    dieu1 = string.format("Điều 1. Đợt xét %s năm %d không có mô hình, điển hình nào đủ điều "
      .. "kiện công nhận.", cap, run.year)
  else
    -- Một cặp ngoặc mỗi chỗ: "..., gồm 2 tập thể và 1 cá nhân (có danh sách kèm theo)."
    dieu1 = string.format("Điều 1. Công nhận %s mô hình, điển hình \"Dân vận khéo\" %s năm %d, "
      .. "gồm %s", dvk.number(#rows), cap, run.year, bc.ghi_doi_tuong(loai))
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
  bc.danh_sach(run, doc, o)
  bc.ma_kiem_tra(run, doc)
end

-- Đợt xét toàn tỉnh ở cấp dưới (bao_cao.don_vi_quyet_dinh): mỗi đơn vị quyết định một quyết
-- định, cơ quan ban hành là đơn vị ấy, Điều 1 và danh sách của riêng nó, mỗi quyết định từ
-- trang mới, theo thứ tự đơn vị. Đợt xét của một đơn vị hay của cấp tỉnh: một quyết định.
return function(run, doc)
  local cac, khong = bc.don_vi_quyet_dinh(run)
  if not cac then return mot(run, doc, true) end
  doc:title(string.format("Các quyết định công nhận mô hình \"Dân vận khéo\" %s năm %d của các "
    .. "đơn vị - %s", bc.cap(run), run.year, run.province_name))
  bc.dau_tap(run, doc, "quyết định", cac, khong)
  for _, v in ipairs(cac) do
    doc:page_break()
    mot(v, doc, false)
  end
end
