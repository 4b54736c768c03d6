-- scripts/lib/reports/phu-luc.lua: danh sách kèm theo quyết định, thành văn bản riêng (phụ lục)
--
-- Cùng danh sách như trang sau của quyet-dinh (bao_cao.danh_sach: nhóm theo kết quả, tên theo
-- thứ tự tiếng Việt, "(Kèm theo Quyết định số ...)"), không có phần quyết định: để in, sửa hoặc
-- gửi riêng.

local bc = dvk.require("bao_cao")

local function mot(run, doc, tieu_de)
  local o = bc.ban_hanh(run)
  if tieu_de then
    doc:title(string.format("Phụ lục: danh sách mô hình, điển hình \"Dân vận khéo\" %s năm %d - %s",
                            bc.cap(run), run.year, run.unit_name or run.province_name))
  end
  doc:paragraph("Phụ lục", "bold right")
  bc.danh_sach(run, doc, o)
  bc.ma_kiem_tra(run, doc)
end

-- Đợt xét toàn tỉnh ở cấp dưới (bao_cao.don_vi_quyet_dinh): văn bản của từng đơn vị quyết
-- định (cơ quan ban hành là đơn vị ấy), mỗi đơn vị từ trang mới, theo thứ tự đơn vị.
return function(run, doc)
  local cac, khong = bc.don_vi_quyet_dinh(run)
  if not cac then return mot(run, doc, true) end
  doc:title(string.format("Phụ lục: danh sách mô hình, điển hình \"Dân vận khéo\" %s năm %d "
    .. "của các đơn vị - %s", bc.cap(run), run.year, run.province_name))
  bc.dau_tap(run, doc, "danh sách kèm theo quyết định", cac, khong)
  for _, v in ipairs(cac) do
    doc:page_break()
    mot(v, doc, false)
  end
end
