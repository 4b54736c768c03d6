-- scripts/provinces/lang-son.lua: phong trào thi đua "Dân vận khéo" tỉnh Lạng Sơn.
--
-- Căn cứ (nguồn ghi cạnh từng mục; số liệu đã công bố: datasets/figures.csv, datasets/README.md):
--  * Kết quả của thành phố Lạng Sơn giai đoạn 2017–2020 (baolangson.vn, 23/7/2024): 129 mô
--    hình (83 tập thể, 46 cá nhân; 44 kinh tế, 23 văn hóa – xã hội, 42 quốc phòng – an ninh,
--    20 xây dựng hệ thống chính trị); 46 được công nhận "điển hình tiên tiến" (27 tập thể,
--    19 cá nhân). Tỉnh dùng BỐN LĨNH VỰC CƠ BẢN (dưới đây).
--  * Hai bộ tiêu chuẩn riêng cho tập thể và cho cá nhân: theo mẫu năm tiêu chuẩn của Đà Lạt
--    (baolamdong.vn, 10/2017) — nguồn Lạng Sơn không công bố tiêu chuẩn chi tiết, đây là lựa
--    chọn của dvk để minh họa hai bộ tiêu chí.
-- Các con số KHÔNG có trong nguồn (do dvk chọn): điểm từng tiêu chuẩn theo thang mặc định
-- 30/20/20/15/15 của dvk; ngưỡng "điển hình tiên tiến" 70 điểm (ngưỡng công nhận mặc định);
-- "đạt yêu cầu, tiếp tục theo dõi" từ 50 điểm (không công nhận); điều kiện "gia đình văn
-- hóa" 3 năm liền với điển hình cá nhân. Không có chỉ tiêu (quota).

local chung = dvk.require("chung")

local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng hệ thống chính trị" },
}

local tap_the = function(m, ctx) return chung.la_tap_the(m) end
local ca_nhan = function(m, ctx) return chung.la_ca_nhan(m) end
local K = chung.KHOANG

return dvk.province {
  code = "lang-son",
  name = "Lạng Sơn",
  basis = "Hướng dẫn của Ban Dân vận Tỉnh ủy Lạng Sơn về phong trào thi đua \"Dân vận khéo\"",
  levels = { "co-so", "huyen", "tinh" },
  fields = fields,
  cutoff = "12-31",
  gates = {
    chung.dieu_kien_ten_dia_chi(),
    chung.dieu_kien_linh_vuc(fields),
    chung.dieu_kien_thoi_gian(12),
    -- Tiêu chuẩn 5 của điển hình cá nhân (mẫu Đà Lạt): gia đình được công nhận "Gia đình văn
    -- hóa" liên tục; dvk đòi 3 năm liền (chỉ số gdvh_nam = số năm liền gần nhất).
    { id = "gia-dinh-van-hoa", name = "Gia đình văn hóa 3 năm liền (điển hình cá nhân)",
      applies = ca_nhan,
      test = function(m, ctx)
        local n = chung.chi_so(m, "gdvh_nam")
        if n == nil then return false, "không có số năm đạt danh hiệu Gia đình văn hóa" end
        if n < 3 then
          return false, string.format("gia đình mới đạt danh hiệu Gia đình văn hóa %d năm liền", n)
        end
        return true
      end },
  },
  criteria = {
    -- Năm tiêu chuẩn của mô hình tập thể.
    chung.tieu_chi_hoi_dong { id = "tt-sang-tao", name = "Sáng tạo, tiết kiệm thời gian, chi phí",
                              max = 15, applies = tap_the },
    chung.tieu_chi_so_lieu { id = "tt-ket-qua",
                             name = "Vận động nhân dân tự giác chấp hành, kết quả thiết thực",
                             max = 30, chi_so = "beneficiaries", khoang = K.beneficiaries,
                             nhan = "số người hưởng lợi", applies = tap_the },
    chung.tieu_chi_so_lieu { id = "tt-huy-dong", name = "Huy động được nhiều lực lượng tham gia",
                             max = 20, chi_so = "participants", khoang = K.participants,
                             nhan = "số người tham gia", applies = tap_the },
    chung.tieu_chi_hoi_dong { id = "tt-hai-hoa",
                              name = "Hài hòa lợi ích tập thể, cá nhân và xã hội",
                              max = 15, applies = tap_the },
    chung.tieu_chi_thoi_gian { id = "tt-ben-vung", name = "Bền vững, duy trì và nhân rộng",
                               max = 20, applies = tap_the },
    -- Năm tiêu chuẩn của điển hình cá nhân (tiêu chuẩn gia đình văn hóa là điều kiện ở trên).
    chung.tieu_chi_hoi_dong { id = "cn-guong-mau", name = "Bản thân và gia đình gương mẫu",
                              max = 20, applies = ca_nhan },
    chung.tieu_chi_hoi_dong { id = "cn-sang-kien", name = "Đóng góp ý tưởng, sáng kiến",
                              max = 15, applies = ca_nhan },
    chung.tieu_chi_so_lieu { id = "cn-giai-quyet",
                             name = "Giải quyết vụ việc phức tạp, tồn đọng, bức xúc",
                             max = 15, chi_so = "vu_viec", khoang = { 0, 10 },
                             nhan = "số vụ việc giải quyết", applies = ca_nhan },
    chung.tieu_chi_so_lieu { id = "cn-phuc-vu",
                             name = "Tận tụy phục vụ nhân dân, kết quả thiết thực",
                             max = 30, chi_so = "beneficiaries", khoang = K.beneficiaries,
                             nhan = "số người hưởng lợi", applies = ca_nhan },
    chung.tieu_chi_thoi_gian { id = "cn-kien-tri", name = "Kiên trì, bền bỉ", max = 20,
                               applies = ca_nhan },
  },
  outcomes = {
    { id = "dien-hinh-tien-tien", name = "Điển hình tiên tiến \"Dân vận khéo\"",
      min = chung.NGUONG.cong_nhan, recognised = true, exemplary = true },
    { id = "dat-yeu-cau", name = "Đạt yêu cầu, tiếp tục theo dõi", min = 50, recognised = false },
    { id = "khong-dat", name = "Không đạt" },
  },
  quotas = {},
  decision = {
    family = "party",
    issuer = "Ban Dân vận Tỉnh ủy Lạng Sơn",
    place = "Lạng Sơn",
    signer = "TRƯỞNG BAN",
  },
}
