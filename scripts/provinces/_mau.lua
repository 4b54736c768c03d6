-- scripts/provinces/_mau.lua: KỊCH BẢN MẪU cho một tỉnh mới — sao chép rồi sửa.
--
-- CÁCH DÙNG
--   1. Sao chép tệp này thành scripts/provinces/<mã-tỉnh>.lua, ví dụ "ha-giang.lua".
--      Mã tỉnh viết thường, không dấu, nối bằng gạch ngang, TRÙNG với mã đơn vị gốc của tỉnh
--      trong datasets/units (cột code) và với trường `code` bên dưới.
--   2. Sửa từng phần theo văn bản hướng dẫn của tỉnh (Ban Dân vận Tỉnh ủy, UBND tỉnh...).
--      Ghi số hiệu, ngày của văn bản ở phần đầu tệp. Chỗ nào văn bản KHÔNG nêu con số thì ghi
--      rõ "văn bản không nêu, dùng mặc định của dvk" để người đọc quyết định biết.
--   3. Viết tệp kiểm thử <mã-tỉnh>_test.lua (xem các tệp *_test.lua có sẵn) và chạy:
--         dvk test scripts/provinces/<mã-tỉnh>_test.lua
--   4. Xét thử, không ghi gì vào cơ sở dữ liệu:
--         dvk decide --province <mã-tỉnh> --year 2024 --level huyen --dry-run
--   Tệp có tên bắt đầu bằng "_" (như tệp này) không được dvk nạp như một tỉnh.
--
-- MÔI TRƯỜNG CHẠY
--   Kịch bản chạy trong "hộp cát": không đọc ghi tệp, không mạng, không đồng hồ. Chỉ dùng
--   được thư viện chuẩn an toàn (string, table, math...) và mô-đun `dvk`:
--     dvk.clamp(x, thấp, cao)     kẹp x vào [thấp, cao] (mặc định [0, 1])
--     dvk.scale(x, thấp, cao)     quy đổi x về 0..1 (dưới "thấp" là 0, từ "cao" là 1)
--     dvk.months(ngày1, ngày2)    số tháng tròn giữa hai ngày "YYYY-MM-DD"; dvk.years tương tự
--     dvk.round(x)                làm tròn 0,01 (nửa lên)
--     dvk.lower(s), dvk.key(s)    chữ thường / khóa tìm kiếm bỏ dấu (đ → d)
--     dvk.upper(s)                chữ hoa tiếng Việt ("Bắc Kạn" → "BẮC KẠN")
--     dvk.number(x [, số lẻ])     số viết kiểu Việt Nam, bỏ số 0 cuối: 1.500; 12,5
--     dvk.date("YYYY-MM-DD")      "ngày 05 tháng 02 năm 2023"
--     dvk.require("ten")          nạp scripts/lib/ten.lua (ví dụ "chung": điều kiện, tiêu chí
--                                 và thang điểm dùng chung; các hàm: docs/lua-api.md mục 9)
--   Biến toàn cục chưa khai báo là lỗi: luôn dùng `local`.
--
-- MÔ HÌNH `m` (chỉ đọc) mà các hàm nhận được:
--   m.code, m.name, m.kind ("tap-the" | "ca-nhan" | "ho-gia-dinh"),
--   m.category ("mo-hinh" | "dien-hinh"), m.field (mã lĩnh vực), m.level (cấp đăng ký),
--   m.year, m.registration ("moi" | "tiep-tuc"), m.started_on ("YYYY-MM-DD"), m.address,
--   m.description, m.unit = {code, name, kind, parent, province},
--   m.metrics.<chỉ số>   số liệu (funds_vnd, workdays, participants, beneficiaries...);
--                        THIẾU SỐ LIỆU THÌ LÀ nil, KHÔNG PHẢI 0: luôn kiểm tra trước khi tính;
--   m.appraisal[<mã tiêu chí>]  điểm bình quân của hội đồng (nil nếu chưa chấm);
--   m.appraisals               điểm của từng thành viên;
--   m.history = {{year, level, outcome, recognised, exemplary}, ...}  các lần xét trước.
-- NGỮ CẢNH `ctx`: ctx.year, ctx.level, ctx.cutoff ("YYYY-MM-DD"), ctx.province, ctx.unit,
--   ctx:count_models(mã đơn vị), ctx:replications(mã mô hình).

local chung = dvk.require("chung")   -- điều kiện và tiêu chí dùng chung (scripts/lib/chung.lua)

-- LĨNH VỰC: danh mục riêng của tỉnh. Mã (id) không dấu, dùng trong cột "field" của tệp CSV
-- mô hình; tên (name) in trong quyết định và báo cáo. Nhiều tỉnh dùng bốn lĩnh vực cơ bản
-- dưới đây; có tỉnh báo cáo theo lĩnh vực khác (xem bac-kan.lua).
local fields = {
  { id = "kinh-te", name = "Kinh tế" },
  { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
  { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
  { id = "he-thong-chinh-tri", name = "Xây dựng Đảng và hệ thống chính trị" },
}

-- Hàm nhỏ dùng cho `applies`: tiêu chí chỉ áp dụng cho tập thể hoặc cho cá nhân.
local la_tap_the = function(m, ctx) return m.kind == "tap-the" end

return dvk.province {
  -- Mã tỉnh (trùng tên tệp) và tên hiển thị.
  code = "ma-tinh",
  name = "Tên tỉnh",

  -- Căn cứ pháp lý in trong phần "Căn cứ ..." của quyết định.
  basis = "Hướng dẫn số .../HD-BDVTU ngày ... của Ban Dân vận Tỉnh ủy về phong trào thi đua "
    .. "\"Dân vận khéo\"",

  -- Các cấp xét, từ thấp lên cao. Cấp huyện chỉ còn trong số liệu trước 01/7/2025.
  levels = { "co-so", "huyen", "tinh" },

  fields = fields,

  -- Ngày chốt để tính thời gian thực hiện ("MM-DD" trong năm xét).
  cutoff = "12-31",

  -- ĐIỀU KIỆN (gates): phải đạt TẤT CẢ mới được chấm điểm; điều kiện đầu tiên không đạt là
  -- lý do ghi trong kết quả. `test` trả về true, hoặc false và lý do bằng tiếng Việt.
  -- `applies` (tùy chọn) cho biết điều kiện có áp dụng cho mô hình này ở cấp này không.
  gates = {
    chung.dieu_kien_ten_dia_chi(),      -- có tên gọi và địa chỉ cụ thể
    chung.dieu_kien_linh_vuc(fields),   -- thuộc một lĩnh vực của tỉnh
    chung.dieu_kien_thoi_gian(12),      -- thực hiện từ 12 tháng (văn bản không nêu: mặc định dvk)
    -- Ví dụ điều kiện riêng, chỉ áp dụng ở cấp tỉnh, dùng lịch sử xét các năm trước:
    { id = "qua-trinh", name = "Đã được công nhận ở cấp dưới",
      applies = function(m, ctx) return ctx.level == "tinh" end,
      test = function(m, ctx)
        for _, h in ipairs(m.history or {}) do
          if h.recognised and h.level ~= "tinh" then return true end
        end
        return false, "chưa được công nhận ở cấp cơ sở hoặc cấp huyện"
      end },
  },

  -- TIÊU CHÍ (criteria): mỗi tiêu chí có mã, tên, điểm tối đa `max` và hàm `score` trả về
  -- (điểm, ghi chú). Điểm phải là số trong [0, max]: dvk báo lỗi, không tự cắt. Tổng điểm là
  -- tổng các tiêu chí được áp dụng. Ví dụ dưới là thang mặc định của dvk (30/20/20/15/15);
  -- có thể thay bằng chung.bo_tieu_chi_mac_dinh() hoặc tự viết như sau.
  criteria = {
    { id = "hieu-qua", name = "Hiệu quả thiết thực", max = 30,
      score = function(m, ctx)
        local n = m.metrics and m.metrics.beneficiaries
        if n == nil then return 0, "không có số người hưởng lợi" end   -- thiếu ≠ 0
        return dvk.round(30 * dvk.scale(n, 100, 1500)), dvk.number(n) .. " người hưởng lợi"
      end },
    { id = "lan-toa", name = "Lan tỏa, thu hút nhiều lực lượng", max = 20,
      score = function(m, ctx)
        local n = m.metrics and m.metrics.participants
        if n == nil then return 0, "không có số người tham gia" end
        return dvk.round(20 * dvk.scale(n, 50, 600)), dvk.number(n) .. " người tham gia"
      end },
    chung.tieu_chi_thoi_gian { id = "ben-vung", name = "Bền vững", max = 20 },
    -- Tiêu chí do hội đồng chấm: điểm lấy từ tệp appraisals (cột criterion = mã tiêu chí).
    chung.tieu_chi_hoi_dong { id = "kho-khan", name = "Giải quyết việc khó ở cơ sở", max = 15 },
    -- Tiêu chí chỉ áp dụng cho tập thể (cá nhân có thể có bộ tiêu chí riêng, xem lang-son.lua).
    chung.tieu_chi_hoi_dong { id = "sang-tao", name = "Cách làm sáng tạo", max = 15,
                              applies = la_tap_the },
  },

  -- KẾT QUẢ (outcomes): xét từ trên xuống, gặp ngưỡng `min` đầu tiên thì dừng. Kết quả cuối
  -- cùng không có `min` (mọi mô hình còn lại, kể cả không đạt điều kiện).
  --   recognised: được công nhận (MẶC ĐỊNH là true với mọi kết quả có `min`; kết quả "đạt
  --   nhưng chưa công nhận" phải ghi rõ recognised = false); exemplary = true: tiêu biểu;
  --   propose = true: đề nghị lên cấp trên (thành ứng viên ở cấp trên trong cùng đợt).
  outcomes = {
    { id = "tieu-bieu", name = "Công nhận, tiêu biểu (đề nghị cấp trên)", min = 85,
      recognised = true, exemplary = true, propose = true },
    { id = "cong-nhan", name = "Công nhận mô hình \"Dân vận khéo\"", min = 70,
      recognised = true },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },

  -- HỘI ĐỒNG (council), khi văn bản của tỉnh có quy định: cách tính điểm các thành viên
  -- (combine = "mean" bình quân - mặc định, "median" trung vị, "trimmed" bỏ điểm cao nhất và
  -- thấp nhất), số thành viên chấm tối thiểu (min_members) và khi thiếu: below = "error"
  -- (dừng, nêu tên mô hình) hoặc "ineligible" (mô hình không đủ điều kiện, có lý do);
  -- recusal = "unit": thành viên không chấm mô hình của đơn vị mình (mặc định), "none".
  -- Điểm hội đồng thuộc từng cấp: hội đồng cấp tỉnh chấm lại, không dùng điểm cấp huyện.
  -- council = { combine = "trimmed", min_members = 3, below = "ineligible" },

  -- CHỈ TIÊU (quotas), chỉ khi văn bản của tỉnh có quy định: ở cấp `level`, tối đa `max` mô
  -- hình được kết quả `outcome` (per = "unit": tính cho từng đơn vị); phần vượt, theo thứ hạng
  -- và các tiêu chí phân định khi bằng điểm (`tiebreak`), chuyển xuống kết quả kế tiếp.
  quotas = {
    -- { level = "huyen", outcome = "tieu-bieu", max = 3, per = "unit",
    --   tiebreak = { "hieu-qua", "lan-toa" } },
  },

  -- QUYẾT ĐỊNH (báo cáo quyet-dinh): mẫu văn bản của Đảng ("party") hay của Nhà nước
  -- ("state"), địa danh ghi ngày tháng, chức danh và tên người ký. Tên cơ quan ban hành, căn
  -- cứ, nơi nhận, khen thưởng lấy theo ngày quyết định từ scripts/lib/van_ban.lua; tỉnh thay
  -- bằng issuers, bases, recipients, awards (danh sách khóa: docs/reports.md).
  decision = {
    family = "party",
    place = "...",
    signer = "TRƯỞNG BAN",
    -- signer_name = "...",
  },
}
