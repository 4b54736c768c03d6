-- scripts/provinces/thai-nguyen_huyen_test.lua: thai-nguyen.lua ở cấp huyện.
-- Điều kiện nhiều năm: ở cấp tỉnh, mô hình phải đã được công nhận ở cấp cơ sở hoặc cấp huyện
-- (m.history). Ngày chốt 2024-12-31; cấp tỉnh quy đổi 500–5.000 người hưởng lợi,
-- 200–2.500 người tham gia.
local function mo_hinh(t)
  local m = { code = "T-TN", name = "Chè sạch Tân Cương liên kết tiêu thụ",
              unit = "thai-nguyen/hoi-nong-dan-tinh", kind = "tap-the", category = "mo-hinh",
              field = "kinh-te", level = "tinh", year = 2024, registration = "tiep-tuc",
              started_on = "2019-12-01", address = "Xã Tân Cương, thành phố Thái Nguyên",
              description = "Liên kết sản xuất, tiêu thụ chè",
              metrics = { beneficiaries = 5000, participants = 2500 },
              appraisal = { ["kho-khan"] = 12, ["sang-tao"] = 13 }, history = {} }
  for k, v in pairs(t) do m[k] = v end
  return m
end
local huyen_2023 = { year = 2023, level = "huyen", outcome = "cong-nhan", recognised = true,
                     exemplary = false }

return dvk.test {
  province = "thai-nguyen", year = 2024, level = "huyen",
  units = {
    { code = "thai-nguyen", name = "Tỉnh Thái Nguyên", kind = "province" },
    { code = "thai-nguyen/hoi-nong-dan-tinh", name = "Hội Nông dân tỉnh",
      kind = "mass-organisation", parent = "thai-nguyen" },
    { code = "thai-nguyen/dinh-hoa", name = "Huyện Định Hóa", kind = "district",
      parent = "thai-nguyen" },
  },
  cases = {
    { name = "cấp huyện: không cần quá trình ở cấp dưới",
      model = mo_hinh { code = "T-TN-5", unit = "thai-nguyen/dinh-hoa", level = "huyen",
                        registration = "moi", metrics = { beneficiaries = 800, participants = 325 },
                        appraisal = { ["kho-khan"] = 10, ["sang-tao"] = 10 } },
      expect = { eligible = true, outcome = "khong-cong-nhan", total = 65 } },
    { name = "cá nhân cấp huyện: công nhận",
      model = mo_hinh { code = "T-TN-6", unit = "thai-nguyen/dinh-hoa", level = "huyen",
                        kind = "ca-nhan", category = "dien-hinh", registration = "moi",
                        name = "Bà Ma Thị Hằng – người giúp hộ nghèo vay vốn",
                        metrics = { beneficiaries = 1150, participants = 325 },
                        appraisal = { ["kho-khan"] = 14, ["sang-tao"] = 13 } },
      expect = { eligible = true, outcome = "cong-nhan", total = 79.5 } },
  },
}
