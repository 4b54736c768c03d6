-- scripts/provinces/lam-dong.lua: phong trào thi đua "Dân vận khéo" tỉnh Lâm Đồng (tỉnh mới
-- từ ngày 01/7/2025), viết từ scripts/provinces/_mau.lua.
--
-- Căn cứ (nguồn ghi cạnh từng mục; dvk không có toàn văn văn bản):
--  * Nghị quyết số 202/2025/QH15 (ngày 12/6/2025) về sắp xếp đơn vị hành chính cấp tỉnh: tỉnh
--    Bình Thuận và tỉnh Đắk Nông nhập vào tỉnh Lâm Đồng; chính quyền địa phương hai cấp từ
--    01/7/2025 (Nghị quyết 203/2025/QH15): không còn cấp huyện, các xã, phường, đặc khu (như
--    Đặc khu Phú Quý) trực thuộc tỉnh (../shared/DOMAIN.md, "The 2025 reorganisation").
--  * Ban Dân vận và Ban Tuyên giáo Tỉnh ủy hợp nhất thành Ban Tuyên giáo và Dân vận Tỉnh ủy
--    năm 2025 (DOMAIN.md): quyết định công nhận cấp tỉnh là văn bản của Đảng, ký hiệu
--    -QĐ/BTGDVTU (theo mẫu "TỈNH ỦY ... / BAN TUYÊN GIÁO VÀ DÂN VẬN" trong DOMAIN.md).
--  * Đà Lạt (baolamdong.vn, 10/2017): năm tiêu chuẩn cho mô hình tập thể (sáng tạo, tiết kiệm
--    thời gian và chi phí; lãnh đạo vận động người dân tự giác chấp hành pháp luật; huy động
--    nhiều lực lượng; hài hòa lợi ích; bền vững) và, với cá nhân, được công nhận "Gia đình văn
--    hóa" hằng năm. Các tiêu chuẩn ấy nằm trong thang mặc định dưới đây (sáng tạo, lan tỏa,
--    bền vững); văn bản của tỉnh mới về phong trào chưa có trong tay dvk.
-- Các con số KHÔNG có trong nguồn, do dvk chọn: thang mặc định (30/20/20/15/15; công nhận 70,
-- tiêu biểu 85), điều kiện 12 tháng, và điều kiện ở cấp tỉnh: mô hình đăng ký ở cấp cơ sở phải
-- đã được cấp cơ sở công nhận (trong đợt này hoặc các năm trước, theo m.history).
-- Số liệu năm 2023 của Bình Thuận vẫn xét bằng scripts/provinces/binh-thuan.lua; thống kê gộp
-- theo đơn vị kế thừa: dvk stats --province lam-dong --year 2023 --successors.

local chung = dvk.require("chung")

local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng Đảng và hệ thống chính trị" },
}

return dvk.province {
  code = "lam-dong",
  name = "Lâm Đồng",
  basis = "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành "
    .. "chính cấp tỉnh; hướng dẫn của Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng về phong trào "
    .. "thi đua \"Dân vận khéo\" (số hiệu, ngày: tỉnh ghi vào đây)",

  -- Tỉnh mới không có cấp huyện: xã, phường, đặc khu và cơ quan, đoàn thể cấp tỉnh xét ở cấp
  -- cơ sở, đề nghị thẳng lên tỉnh.
  levels = { "co-so", "tinh" },

  fields = fields,
  cutoff = "12-31",

  gates = {
    chung.dieu_kien_ten_dia_chi(),
    chung.dieu_kien_linh_vuc(fields),
    chung.dieu_kien_thoi_gian(12),     -- văn bản không nêu: mặc định của dvk
    { id = "qua-trinh", name = "Đã được công nhận ở cấp cơ sở",
      applies = function(m, ctx) return ctx.level == "tinh" and m.level ~= "tinh" end,
      test = function(m, ctx)
        for _, h in ipairs(m.history or {}) do
          if h.recognised and h.level == "co-so" and h.year <= ctx.year then return true end
        end
        return false, "chưa được công nhận ở cấp cơ sở"
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

  quotas = {},

  -- Văn bản của Đảng: Ban Tuyên giáo và Dân vận Tỉnh ủy ban hành (tên theo ngày: xem
  -- scripts/lib/van_ban.lua; tỉnh mới chỉ có từ 01/7/2025, khi hai ban đã hợp nhất).
  decision = {
    family = "party",
    issuer = "Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng",
    issuers = {
      { tu = "2025-07-01", name = "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        full = "Ban Tuyên giáo và Dân vận Tỉnh ủy", symbol = "BTGDVTU" },
    },
    place = "Lâm Đồng",
    -- Căn cứ riêng của tỉnh trên quyết định (thay `basis`, một ghi chú cho người soạn, không
    -- in được): hướng dẫn của Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng (tỉnh mới từ
    -- 01/7/2025, DOMAIN.md: The 2025 reorganisation); dvk chưa có số và ngày của hướng dẫn nên
    -- để chỗ trống điền tay như số quyết định. CẦN ĐỐI CHIẾU: tỉnh ghi số, ngày vào đây.
    bases = {
      { tu = "2025-07-01",
        text = "Hướng dẫn số ......-HD/BTGDVTU ngày ..... tháng ..... năm 2025 của Ban Tuyên "
          .. "giáo và Dân vận Tỉnh ủy Lâm Đồng về phong trào thi đua \"Dân vận khéo\"" },
    },
    recipients = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);",
                   "Ban Tuyên giáo và Dân vận Trung ương (b/c);",
                   "Đảng ủy các xã, phường, đặc khu;", "Lưu Văn phòng Ban." },
  },
}
