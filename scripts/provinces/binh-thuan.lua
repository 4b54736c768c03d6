-- scripts/provinces/binh-thuan.lua: phong trào thi đua "Dân vận khéo" tỉnh Bình Thuận
-- (đến 30/6/2025; từ 01/7/2025 nhập vào Lâm Đồng theo Nghị quyết 202/2025/QH15).
--
-- Căn cứ (nguồn ghi cạnh từng mục; số liệu đã công bố: datasets/figures.csv, datasets/README.md):
--  * Hướng dẫn số 08 của Ban Dân vận Tỉnh ủy về phong trào thi đua "Dân vận khéo" giai đoạn
--    2021–2025 (nêu trong bài baobinhthuan.com.vn ngày 22/7/2024; chúng tôi không có toàn văn).
--  * Kết quả năm 2023 (cùng bài): 746 mô hình đăng ký cấp huyện; 13/14 đơn vị trực thuộc
--    Tỉnh ủy công nhận 155 mô hình cấp huyện (Đức Linh chưa xét); 13 đơn vị đề nghị 39 mô
--    hình lên cấp tỉnh; cấp tỉnh công nhận 22 tập thể, cá nhân.
-- Các con số KHÔNG có trong nguồn, do dvk chọn:
--  * Thang điểm, ngưỡng và điều kiện: thang mặc định của dvk (scripts/lib/chung.lua).
--  * Chỉ tiêu đề nghị: mỗi đơn vị trực thuộc đề nghị tối đa 3 mô hình lên cấp tỉnh. Đây là cách
--    đọc của chúng tôi từ kết quả 13 đơn vị đề nghị 39 mô hình (3 mô hình mỗi đơn vị); phần
--    vượt được xếp xuống "Công nhận" theo thứ hạng (hòa điểm: hiệu quả, rồi lan tỏa).
--  * Khoảng quy đổi số liệu theo cấp: cấp tỉnh đòi hỏi quy mô lớn hơn cấp huyện, vì vậy mô
--    hình được đề nghị có thể không đạt khi xét lại ở cấp tỉnh.
--  * Cấp tỉnh chỉ xét mô hình đã được cấp huyện công nhận và đề nghị (điều kiện "de-nghi").
-- Lĩnh vực: bốn lĩnh vực cơ bản (nguồn không nêu danh mục riêng của tỉnh).

local chung = dvk.require("chung")

local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng Đảng và hệ thống chính trị" },
}

-- Có kết quả công nhận ở cấp dưới trong cùng đợt hoặc trước đó (m.history).
local function da_cong_nhan_cap_duoi(m, ctx)
  for _, h in ipairs(m.history or {}) do
    if h.recognised and h.level ~= "tinh" and h.year <= ctx.year then return true end
  end
  return false
end

return dvk.province {
  code = "binh-thuan",
  name = "Bình Thuận",
  basis = "Hướng dẫn số 08 của Ban Dân vận Tỉnh ủy Bình Thuận về phong trào thi đua "
    .. "\"Dân vận khéo\" giai đoạn 2021–2025",
  levels = { "co-so", "huyen", "tinh" },
  fields = fields,
  cutoff = "12-31",
  gates = {
    chung.dieu_kien_ten_dia_chi(),
    chung.dieu_kien_linh_vuc(fields),
    chung.dieu_kien_thoi_gian(12),
    { id = "de-nghi", name = "Đã được cấp huyện (đơn vị trực thuộc Tỉnh ủy) công nhận, đề nghị",
      applies = function(m, ctx) return ctx.level == "tinh" and m.level ~= "tinh" end,
      test = function(m, ctx)
        if da_cong_nhan_cap_duoi(m, ctx) then return true end
        return false, "chưa được đơn vị trực thuộc Tỉnh ủy công nhận và đề nghị"
      end },
  },
  criteria = chung.bo_tieu_chi_mac_dinh(),
  outcomes = {
    { id = "tieu-bieu", name = "Công nhận, tiêu biểu (đề nghị cấp trên)",
      min = chung.NGUONG.tieu_bieu, recognised = true, exemplary = true, propose = true },
    { id = "cong-nhan", name = "Công nhận mô hình \"Dân vận khéo\"", min = chung.NGUONG.cong_nhan,
      recognised = true },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },
  quotas = {
    { level = "huyen", outcome = "tieu-bieu", max = 3, per = "unit",
      tiebreak = { "hieu-qua", "lan-toa" } },
  },
  decision = {
    family = "party",
    issuer = "Ban Dân vận Tỉnh ủy Bình Thuận",
    place = "Bình Thuận",
    signer = "TRƯỞNG BAN",
  },
}
