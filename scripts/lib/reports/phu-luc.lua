-- scripts/lib/reports/phu-luc.lua: danh sách kèm theo quyết định, thành văn bản riêng (phụ lục)
--
-- Cùng danh sách như trang sau của quyet-dinh (bao_cao.danh_sach: nhóm theo kết quả, tên theo
-- thứ tự tiếng Việt, "(Kèm theo Quyết định số ...)"), không có phần quyết định: để in, sửa hoặc
-- gửi riêng.

local bc = dvk.require("bao_cao")

return function(run, doc)
  local o = bc.ban_hanh(run)
  doc:title(string.format("Phụ lục: danh sách mô hình, điển hình \"Dân vận khéo\" %s năm %d - %s",
                          bc.cap(run), run.year, run.unit_name or run.province_name))
  doc:paragraph("Phụ lục", "bold right")
  bc.danh_sach(run, doc, o)
  bc.ma_kiem_tra(run, doc)
end
