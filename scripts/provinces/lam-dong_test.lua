-- scripts/provinces/lam-dong_test.lua: fixture models for lam-dong.lua (dvk test).
-- Năm 2025, cấp tỉnh: mô hình do xã, phường, đặc khu đăng ký (cấp cơ sở) phải đã được cấp cơ
-- sở công nhận (m.history); cơ quan cấp tỉnh đăng ký thẳng ở cấp tỉnh thì không cần. Ngày chốt
-- 2025-12-31; cấp tỉnh quy đổi 500–5.000 người hưởng lợi, 200–2.500 người tham gia.
local function mo_hinh(t)
  local m = { code = "T-LD", name = "Ngư dân Phú Quý giữ biển, giữ đảo",
              unit = "lam-dong/phu-quy", kind = "tap-the", category = "mo-hinh",
              field = "quoc-phong-an-ninh", level = "co-so", year = 2025, registration = "tiep-tuc",
              started_on = "2020-12-01", address = "Thôn Mỹ Khê, đặc khu Phú Quý",
              description = "Vận động ngư dân tham gia bảo vệ chủ quyền biển đảo",
              metrics = { beneficiaries = 5000, participants = 2500 },
              appraisal = { ["kho-khan"] = 12, ["sang-tao"] = 13 }, history = {} }
  for k, v in pairs(t) do m[k] = v end
  return m
end
local co_so_2025 = { year = 2025, level = "co-so", outcome = "tieu-bieu", recognised = true,
                     exemplary = true }

return dvk.test {
  province = "lam-dong", year = 2025, level = "tinh",
  units = {
    { code = "lam-dong", name = "Tỉnh Lâm Đồng", kind = "province" },
    { code = "lam-dong/phu-quy", name = "Đặc khu Phú Quý", kind = "commune",
      parent = "lam-dong" },
    { code = "lam-dong/mttq-tinh", name = "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
      kind = "mass-organisation", parent = "lam-dong" },
  },
  cases = {
    { name = "cấp tỉnh: đặc khu đề nghị trong cùng đợt, tiêu biểu",
      model = mo_hinh { code = "T-LD-1", history = { co_so_2025 } },
      expect = { eligible = true, outcome = "tieu-bieu", total = 95, proposed = true } },
    { name = "cấp tỉnh: chưa được cấp cơ sở công nhận",
      model = mo_hinh { code = "T-LD-2" },
      expect = { eligible = false, gate = "qua-trinh", outcome = "khong-cong-nhan" } },
    { name = "cấp tỉnh: cấp huyện cũ (trước 2025) không thay cho cấp cơ sở",
      model = mo_hinh { code = "T-LD-3",
                        history = { { year = 2024, level = "huyen", outcome = "cong-nhan",
                                      recognised = true, exemplary = false } } },
      expect = { eligible = false, gate = "qua-trinh", outcome = "khong-cong-nhan" } },
    { name = "cấp tỉnh: Mặt trận tỉnh đăng ký thẳng ở cấp tỉnh",
      model = mo_hinh { code = "T-LD-4", unit = "lam-dong/mttq-tinh", level = "tinh",
                        metrics = { beneficiaries = 2750, participants = 1350 } },
      expect = { eligible = true, outcome = "cong-nhan", total = 70 } },
    { name = "chưa đủ 12 tháng",
      model = mo_hinh { code = "T-LD-5", started_on = "2025-05-01", history = { co_so_2025 } },
      expect = { eligible = false, gate = "thoi-gian", outcome = "khong-cong-nhan" } },
  },
}
