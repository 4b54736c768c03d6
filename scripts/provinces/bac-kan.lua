-- scripts/provinces/bac-kan.lua: phong trào thi đua "Dân vận khéo" tỉnh Bắc Kạn (đến 30/6/2025).
--
-- Căn cứ (nguồn ghi cạnh từng mục; số liệu đã công bố: datasets/figures.csv, datasets/README.md):
--  * Báo cáo tổng kết năm 2023 của tỉnh (bài báo ngày 16/01/2024): 2.537 mô hình đăng ký,
--    1.280 được công nhận, 179 điển hình; báo cáo theo BỐN LĨNH VỰC riêng của tỉnh (dưới đây).
--  * Cách tính "mô hình" / "điển hình" tách biệt, tập thể / cá nhân: báo cáo của huyện Chợ Đồn
--    năm 2022 (baobackan.com.vn).
-- Tỉnh không công bố thang điểm, ngưỡng công nhận hay chỉ tiêu: kịch bản dùng THANG MẶC ĐỊNH
-- của dvk (scripts/lib/chung.lua): 30/20/20/15/15, công nhận từ 70, tiêu biểu từ 85, điều
-- kiện tên–địa chỉ, lĩnh vực, 12 tháng. Không có chỉ tiêu (quota) vì nguồn không nêu.
-- Không "đề nghị lên trên" (propose): báo cáo năm 2023 tính mỗi mô hình một lần ở cấp nó đăng
-- ký, nguồn không cho biết số đề nghị cấp trên.
-- Từ 01/7/2025 Bắc Kạn nhập vào Thái Nguyên (Nghị quyết 202/2025/QH15): đơn vị còn lưu với
-- valid_to = 2025-06-30, successor = "thai-nguyen"; kịch bản này chỉ dùng cho các năm trước.

local chung = dvk.require("chung")

local fields = {
  { id = "he-thong-chinh-tri",
    name = "Xây dựng Đảng, chính quyền, Mặt trận Tổ quốc và các đoàn thể" },
  { id = "cai-cach-hanh-chinh",
    name = "Cải cách hành chính, tác phong, lề lối công vụ, nâng cao chất lượng cán bộ" },
  { id = "nong-thon-moi", name = "Xây dựng nông thôn mới, đô thị văn minh" },
  { id = "van-hoa-du-lich",
    name = "Giữ gìn bản sắc văn hóa dân tộc gắn với phát triển du lịch cộng đồng" },
}

return dvk.province {
  code = "bac-kan",
  name = "Bắc Kạn",
  basis = "Kế hoạch thực hiện phong trào thi đua \"Dân vận khéo\" của Ban Dân vận Tỉnh ủy Bắc Kạn; "
    .. "Báo cáo tổng kết phong trào năm 2023",
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
    { id = "tieu-bieu", name = "Công nhận, điển hình tiêu biểu", min = chung.NGUONG.tieu_bieu,
      recognised = true, exemplary = true },
    { id = "cong-nhan", name = "Công nhận mô hình \"Dân vận khéo\"", min = chung.NGUONG.cong_nhan,
      recognised = true },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },
  quotas = {},
  decision = {
    family = "party",
    issuer = "Ban Dân vận Tỉnh ủy Bắc Kạn",
    place = "Bắc Kạn",
    signer = "TRƯỞNG BAN",
  },
}
