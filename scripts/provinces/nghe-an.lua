-- scripts/provinces/nghe-an.lua: phong trào thi đua "Dân vận khéo" tỉnh Nghệ An.
--
-- Căn cứ (nguồn ghi cạnh từng mục; số liệu đã công bố: datasets/figures.csv, datasets/README.md):
--  * Yêu cầu đánh giá nêu năm 2022 (baonghean.vn, 21/3/2022): ưu tiên mô hình thành công nhờ
--    làm tốt công tác dân vận trong giải quyết việc khó, phức tạp ở cơ sở; gần dân; tiêu chí
--    cụ thể theo vùng, địa phương; tránh công nhận tràn lan, trùng lặp; phân biệt cấp cơ sở
--    với cấp trên; coi trọng lan tỏa và bền vững; khen thưởng "rõ người, rõ việc".
--  * Đăng ký quý I/2022 (cùng bài): 855 lượt đăng ký (515 xây mới, 340 tiếp tục; 524 cấp cơ
--    sở, 324 cấp huyện).
-- Cách kịch bản thể hiện các yêu cầu trên (lựa chọn của dvk, nguồn không nêu con số):
--  * "rõ người, rõ việc": điều kiện phải có mô tả cách làm và số người tham gia, hưởng lợi;
--  * "tránh trùng lặp": một mô hình đã được công nhận ở chính cấp này trong năm trước mà đăng
--    ký "xây mới" thì không được xét lại (m.history);
--  * "phân biệt cấp": khoảng quy đổi số liệu theo cấp (scripts/lib/chung.lua);
--  * lan tỏa tính theo số nơi nhân rộng (chỉ số nhan_rong), khoảng quy đổi theo cấp.
-- Thang điểm và ngưỡng: thang mặc định của dvk (30/20/20/15/15; 70/85). Không có chỉ tiêu.
-- Lĩnh vực: bốn lĩnh vực cơ bản.

local chung = dvk.require("chung")

local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng hệ thống chính trị" },
}

local K = chung.KHOANG

return dvk.province {
  code = "nghe-an",
  name = "Nghệ An",
  basis = "Hướng dẫn của Ban Dân vận Tỉnh ủy Nghệ An về phong trào thi đua \"Dân vận khéo\"",
  levels = { "co-so", "huyen", "tinh" },
  fields = fields,
  cutoff = "12-31",
  gates = {
    chung.dieu_kien_ten_dia_chi(),
    chung.dieu_kien_linh_vuc(fields),
    chung.dieu_kien_thoi_gian(12),
    { id = "ro-nguoi-ro-viec", name = "Rõ người, rõ việc: có cách làm và số liệu kết quả",
      test = function(m, ctx)
        if m.description == nil or m.description == "" then
          return false, "không mô tả nội dung, cách làm"
        end
        if chung.chi_so(m, "participants") == nil or chung.chi_so(m, "beneficiaries") == nil then
          return false, "không có số người tham gia hoặc số người hưởng lợi"
        end
        return true
      end },
    { id = "khong-trung-lap", name = "Không công nhận trùng lặp",
      applies = function(m, ctx) return m.registration == "moi" end,
      test = function(m, ctx)
        for _, h in ipairs(m.history or {}) do
          if h.recognised and h.level == ctx.level and h.year < ctx.year then
            return false, string.format("đã được công nhận ở cấp này năm %d; "
              .. "đăng ký lại phải là \"tiếp tục thực hiện\"", h.year)
          end
        end
        return true
      end },
  },
  criteria = {
    chung.tieu_chi_so_lieu { id = "hieu-qua", name = "Hiệu quả thiết thực, gần dân", max = 30,
                             chi_so = "beneficiaries", khoang = K.beneficiaries,
                             nhan = "số người hưởng lợi" },
    chung.tieu_chi_so_lieu { id = "lan-toa", name = "Lan tỏa, nhân rộng", max = 20,
                             chi_so = "nhan_rong",
                             khoang = { ["co-so"] = { 0, 5 }, huyen = { 0, 10 }, tinh = { 0, 20 } },
                       nhan = "số nơi đã nhân rộng" },
    chung.tieu_chi_thoi_gian { id = "ben-vung", name = "Bền vững", max = 20 },
    chung.tieu_chi_hoi_dong { id = "kho-khan",
                              name = "Giải quyết việc khó, phức tạp ở cơ sở bằng công tác dân vận",
                              max = 15 },
    chung.tieu_chi_hoi_dong { id = "sang-tao", name = "Cách làm sáng tạo, phù hợp vùng, địa phương",
                              max = 15 },
  },
  outcomes = {
    { id = "tieu-bieu", name = "Công nhận, tiêu biểu (đề nghị cấp trên)",
      min = chung.NGUONG.tieu_bieu, recognised = true, exemplary = true, propose = true },
    { id = "cong-nhan", name = "Công nhận mô hình \"Dân vận khéo\"", min = chung.NGUONG.cong_nhan,
      recognised = true },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },
  quotas = {},
  decision = {
    family = "party",
    issuer = "Ban Dân vận Tỉnh ủy Nghệ An",
    place = "Nghệ An",
    signer = "TRƯỞNG BAN",
  },
}
