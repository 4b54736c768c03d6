-- scripts/provinces/thai-nguyen.lua: phong trào thi đua "Dân vận khéo" tỉnh Thái Nguyên.
--
-- Căn cứ (nguồn ghi cạnh từng mục, số liệu: datasets/figures.csv; dvk không có toàn văn văn bản):
--  * Chỉ thị số 25-CT/TU ngày 23/4/2024 của Ban Thường vụ Tỉnh ủy về phong trào (tin ngày
--    11/6/2024): yêu cầu hướng dẫn đăng ký, thẩm định, công nhận mô hình; kinh phí khen thưởng
--    hằng năm; tiêu chí do Mặt trận và các đoàn thể xây dựng, tính vào kết quả thi đua năm.
--  * Quyết định số 08/2022/QĐ-UBND của UBND tỉnh và Hướng dẫn số 08-HD/BDVTU ngày 25/9/2022
--    của Ban Dân vận Tỉnh ủy, được nêu trong khung thực hiện.
-- Các con số KHÔNG có trong nguồn, do dvk chọn: thang mặc định (30/20/20/15/15; công nhận 70,
-- tiêu biểu 85), điều kiện 12 tháng, và ĐIỀU KIỆN NHIỀU NĂM ở cấp tỉnh: mô hình đăng ký ở cấp
-- dưới, xét ở cấp tỉnh, phải đã được công nhận ở cấp cơ sở hoặc cấp huyện (trong đợt này hoặc
-- các năm trước, theo m.history) — cách đọc của dvk về "thẩm định, công nhận" từng cấp trong
-- Chỉ thị 25-CT/TU. Mô hình do cơ quan, đoàn thể cấp tỉnh đăng ký thẳng ở cấp tỉnh không
-- có cấp dưới nên không xét điều kiện này.
-- Tiêu biểu ở cấp tỉnh được đề nghị khen thưởng (Bằng khen của UBND tỉnh), nên quyết định cấp
-- tỉnh dùng mẫu văn bản hành chính nhà nước.
-- Từ 01/7/2025 tỉnh Thái Nguyên mới gồm cả Bắc Kạn (Nghị quyết 202/2025/QH15); số liệu các năm
-- trước của Bắc Kạn vẫn xét bằng scripts/provinces/bac-kan.lua (thống kê gộp theo đơn vị kế
-- thừa: dvk stats --province thai-nguyen --year 2023 --successors).
-- NĂM 2025 TRỞ ĐI (chính quyền hai cấp từ 01/7/2025, Nghị quyết 203/2025/QH15): không còn cấp
-- huyện. Các xã, phường và các cơ quan, đoàn thể cấp tỉnh xét ở cấp cơ sở (mỗi đơn vị một đợt:
-- dvk decide --province thai-nguyen --year 2025 --level co-so --each-unit) và đề nghị thẳng lên
-- tỉnh; dvk không cho xét cấp huyện từ năm 2025 và lấy đề nghị của cấp cơ sở làm ứng viên cấp
-- tỉnh. Điều kiện "qua-trinh" ở cấp tỉnh vì vậy được đáp ứng bằng công nhận cấp cơ sở cùng đợt.
-- Cơ quan tham mưu của Tỉnh ủy: Ban Dân vận Tỉnh ủy, từ năm 2025 Ban Tuyên giáo và Dân vận Tỉnh
-- ủy (hai ban hợp nhất năm 2025, DOMAIN.md); tên theo ngày quyết định, ghi trong decision.issuers.

local chung = dvk.require("chung")

local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng Đảng và hệ thống chính trị" },
}

-- Các năm mô hình đã được công nhận ở cấp dưới cấp tỉnh, theo m.history.
local function nam_cong_nhan_cap_duoi(m, ctx)
  local nam = {}
  for _, h in ipairs(m.history or {}) do
    if h.recognised and h.level ~= "tinh" and h.year <= ctx.year then nam[#nam + 1] = h.year end
  end
  table.sort(nam)
  return nam
end

return dvk.province {
  code = "thai-nguyen",
  name = "Thái Nguyên",
  basis = "Chỉ thị số 25-CT/TU ngày 23/4/2024 của Ban Thường vụ Tỉnh ủy Thái Nguyên; "
    .. "Hướng dẫn số 08-HD/BDVTU ngày 25/9/2022 của Ban Dân vận Tỉnh ủy; "
    .. "Quyết định số 08/2022/QĐ-UBND của Ủy ban nhân dân tỉnh Thái Nguyên",
  levels = { "co-so", "huyen", "tinh" },
  fields = fields,
  cutoff = "12-31",
  gates = {
    chung.dieu_kien_ten_dia_chi(),
    chung.dieu_kien_linh_vuc(fields),
    chung.dieu_kien_thoi_gian(12),
    { id = "qua-trinh", name = "Đã được công nhận ở cấp cơ sở hoặc cấp huyện",
      applies = function(m, ctx) return ctx.level == "tinh" and m.level ~= "tinh" end,
      test = function(m, ctx)
        if #nam_cong_nhan_cap_duoi(m, ctx) > 0 then return true end
        return false, "chưa được công nhận ở cấp cơ sở hoặc cấp huyện"
      end },
  },
  criteria = chung.bo_tieu_chi_mac_dinh(),
  outcomes = {
    { id = "tieu-bieu", name = "Công nhận, tiêu biểu (đề nghị khen thưởng, cấp trên)",
      min = chung.NGUONG.tieu_bieu, recognised = true, exemplary = true, propose = true },
    { id = "cong-nhan", name = "Công nhận mô hình \"Dân vận khéo\"", min = chung.NGUONG.cong_nhan,
      recognised = true },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },
  quotas = {},
  decision = {
    family = "state",
    issuer = "Ủy ban nhân dân tỉnh Thái Nguyên",
    place = "Thái Nguyên",
    signer = "CHỦ TỊCH",
    -- Ban của Tỉnh ủy theo ngày quyết định (văn bản của Đảng; nơi nhận, đề nghị). CẦN ĐỐI
    -- CHIẾU: ngày hợp nhất của Thái Nguyên (dvk lấy 01/3/2025 như mặc định của van_ban.lua).
    issuers = {
      { den = "2025-02-28", name = "BAN DÂN VẬN", full = "Ban Dân vận Tỉnh ủy", symbol = "BDVTU" },
      { tu = "2025-03-01", name = "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        full = "Ban Tuyên giáo và Dân vận Tỉnh ủy", symbol = "BTGDVTU" },
    },
    -- Xã, phường công nhận mô hình cấp mình bằng quyết định của Đảng ủy xã (văn bản của Đảng:
    -- "ĐẢNG BỘ TỈNH THÁI NGUYÊN / ĐẢNG ỦY XÃ …", ký T/M ĐẢNG ỦY / BÍ THƯ), không phải của
    -- Chủ tịch UBND xã. Nguồn: DOMAIN.md, Decisions and documents ("commune Party committees
    -- recognise models at their own level", SGGP 17/10/2025, Đảng ủy xã Kim Long; mẫu 05-HD
    -- "ĐẢNG BỘ TỈNH LÂM ĐỒNG / ĐẢNG ỦY ĐẶC KHU PHÚ QUÝ"). CẦN ĐỐI CHIẾU với hướng dẫn của
    -- Ban Tuyên giáo và Dân vận Tỉnh ủy Thái Nguyên (2025).
    kinds = { commune = { family = "party" } },
  },
}
