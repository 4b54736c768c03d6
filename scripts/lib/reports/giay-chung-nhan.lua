-- scripts/lib/reports/giay-chung-nhan.lua: giấy chứng nhận cho mỗi mô hình, điển hình được công nhận, mỗi giấy một trang
--
-- Phần đầu, cơ quan và chữ ký như quyết định của đợt xét (the_thuc.lua; tỉnh đổi bằng bảng
-- decision); mỗi giấy ghi tên mô hình, đơn vị thực hiện, lĩnh vực, kết quả, căn cứ quyết định
-- và căn cứ quyết định. Số giấy là số vào sổ (thứ tự trong danh sách của quyết định: kết quả
-- tốt nhất trước, tên theo thứ tự tiếng Việt), ký hiệu GCN ("Số: 3/GCN-UBND"). Đợt xét chưa
-- có quyết định: mỗi giấy ghi "DỰ THẢO".

local bc = dvk.require("bao_cao")

local function mot(run, doc, tieu_de)
  local cap = bc.cap(run)
  local o = bc.ban_hanh(run)
  local rows = run:results{ recognised = true }
  if tieu_de then
    doc:title(string.format("Giấy chứng nhận mô hình, điển hình \"Dân vận khéo\" %s năm %d - %s",
                            cap, run.year, run.unit_name or run.province_name))
  end
  if #rows == 0 then
    doc:paragraph(string.format("Đợt xét %s năm %d không có mô hình, điển hình nào được công "
      .. "nhận: không có giấy chứng nhận.", cap, run.year), "italic center")
    return
  end
  local so = bc.so_ky_hieu(run, o)
  local ngay = dvk.date(run.decision_date or tostring(run.year))
  for i, r in ipairs(rows) do
    if i > 1 then doc:page_break() end
    bc.phan_dau(run, doc, "GCN", tostring(i))
    doc:heading("GIẤY CHỨNG NHẬN", 1)
    doc:paragraph(string.format("%s \"Dân vận khéo\" %s năm %d",
      r.category == "dien-hinh" and "Điển hình" or "Mô hình", cap, run.year), "bold italic center")
    doc:paragraph(o.tham_quyen, "bold center")
    doc:paragraph("CHỨNG NHẬN", "bold center")
    doc:paragraph(r.name, "bold center")
    doc:kv{
      { "Đơn vị thực hiện", r.unit_name },
      { "Lĩnh vực", r.field_name },
      { "Đối tượng", r.kind_name },
      { "Đạt", string.format("%s \"Dân vận khéo\" %s năm %d", r.outcome_name, cap, run.year) },
    }
    doc:paragraph(string.format("Theo Quyết định số %s %s của %s.", so, ngay, o.ten_day_du),
                  "italic")
    bc.chu_ky(run, doc)
    bc.ma_kiem_tra(run, doc)
  end
end

-- Đợt xét toàn tỉnh ở cấp dưới (bao_cao.don_vi_quyet_dinh): văn bản của từng đơn vị quyết
-- định (cơ quan ban hành là đơn vị ấy), mỗi đơn vị từ trang mới, theo thứ tự đơn vị.
return function(run, doc)
  local cac, khong = bc.don_vi_quyet_dinh(run)
  if not cac then return mot(run, doc, true) end
  doc:title(string.format("Giấy chứng nhận mô hình, điển hình \"Dân vận khéo\" %s năm %d "
    .. "của các đơn vị - %s", bc.cap(run), run.year, run.province_name))
  bc.dau_tap(run, doc, "giấy chứng nhận", cac, khong)
  for _, v in ipairs(cac) do
    doc:page_break()
    mot(v, doc, false)
  end
end
