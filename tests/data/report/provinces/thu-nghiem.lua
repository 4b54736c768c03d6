-- tests/data/report/provinces/thu-nghiem.lua: tỉnh giả định cho các phép thử báo cáo
-- (tests/cli/report_*.sh). Không phải tỉnh có thật: thang điểm mặc định của dvk, một chỉ tiêu
-- công nhận ở cấp tỉnh (để có mô hình bị chỉ tiêu đẩy xuống), điển hình tiêu biểu được đề
-- nghị khen thưởng, văn bản họ nhà nước. Phép thử so sánh đổi "max = 3" thành "max = 6".

local chung = dvk.require("chung")

local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng hệ thống chính trị" },
}

return dvk.province {
  code = "thu-nghiem",
  name = "Thử Nghiệm",
  basis = "Kế hoạch số 01-KH/BDVTU của Ban Dân vận Tỉnh ủy Thử Nghiệm về phong trào thi đua "
    .. "\"Dân vận khéo\" (văn bản giả định cho phép thử)",
  levels = { "co-so", "huyen", "tinh" },
  fields = fields,
  cutoff = "12-31",
  gates = {
    chung.dieu_kien_ten_dia_chi(),
    chung.dieu_kien_linh_vuc(fields),
    chung.dieu_kien_thoi_gian(12),
  },
  criteria = chung.bo_tieu_chi_mac_dinh(),
  outcomes = {
    { id = "tieu-bieu", name = "Điển hình tiêu biểu", min = 85, recognised = true,
      exemplary = true, propose = true },
    { id = "cong-nhan", name = "Công nhận", min = 70, recognised = true },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },
  quotas = { { level = "tinh", outcome = "cong-nhan", max = 3, tiebreak = { "hieu-qua" } } },
  decision = {
    family = "state",
    place = "Thử Nghiệm",
    signer = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    signer_name = "Nguyễn Văn Thử",
  },
}
