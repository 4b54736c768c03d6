-- scripts/provinces/thai-nguyen_test.lua: fixture models for thai-nguyen.lua (dvk test).
-- Điều kiện nhiều năm: ở cấp tỉnh, mô hình đăng ký ở cấp dưới phải đã được công nhận ở cấp
-- cơ sở hoặc cấp huyện (m.history). Ngày chốt 2024-12-31; cấp tỉnh quy đổi 500–5.000 người hưởng lợi,
-- 200–2.500 người tham gia.
local function mo_hinh(t)
  local m = { code = "T-TN", name = "Chè sạch Tân Cương liên kết tiêu thụ",
              unit = "thai-nguyen/hoi-nong-dan-tinh", kind = "tap-the", category = "mo-hinh",
              field = "kinh-te", level = "huyen", year = 2024, registration = "tiep-tuc",
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
  province = "thai-nguyen", year = 2024, level = "tinh",
  units = {
    { code = "thai-nguyen", name = "Tỉnh Thái Nguyên", kind = "province" },
    { code = "thai-nguyen/hoi-nong-dan-tinh", name = "Hội Nông dân tỉnh",
      kind = "mass-organisation", parent = "thai-nguyen" },
    { code = "thai-nguyen/dinh-hoa", name = "Huyện Định Hóa", kind = "district",
      parent = "thai-nguyen" },
  },
  cases = {
    { name = "cấp tỉnh: công nhận ở cấp huyện năm 2023, tiêu biểu năm 2024",
      model = mo_hinh { code = "T-TN-1", history = { huyen_2023 } },
      expect = { eligible = true, outcome = "tieu-bieu", total = 95 } },
    { name = "cấp tỉnh: chưa từng được công nhận ở cấp dưới",
      model = mo_hinh { code = "T-TN-2" },
      expect = { eligible = false, gate = "qua-trinh", outcome = "khong-cong-nhan" } },
    { name = "cấp tỉnh: cấp dưới đã xét nhưng không công nhận",
      model = mo_hinh { code = "T-TN-3",
                        history = { { year = 2023, level = "co-so", outcome = "khong-cong-nhan",
                                      recognised = false, exemplary = false } } },
      expect = { eligible = false, gate = "qua-trinh", outcome = "khong-cong-nhan" } },
    { name = "cấp tỉnh: được đề nghị từ cấp huyện trong cùng đợt",
      model = mo_hinh { code = "T-TN-4", registration = "moi",
                        metrics = { beneficiaries = 2750, participants = 1350 },
                        history = { { year = 2024, level = "huyen", outcome = "tieu-bieu",
                                      recognised = true, exemplary = true } } },
      expect = { eligible = true, outcome = "cong-nhan", total = 70 } },
    { name = "cấp tỉnh: cơ quan cấp tỉnh đăng ký thẳng, không cần quá trình ở cấp dưới",
      model = mo_hinh { code = "T-TN-9", level = "tinh", registration = "moi",
                        metrics = { beneficiaries = 2750, participants = 1350 } },
      expect = { eligible = true, outcome = "cong-nhan", total = 70 } },
    { name = "thiếu địa chỉ",
      model = mo_hinh { code = "T-TN-7", address = "", history = { huyen_2023 } },
      expect = { eligible = false, gate = "ten-dia-chi", outcome = "khong-cong-nhan" } },
    { name = "chưa đủ 12 tháng",
      model = mo_hinh { code = "T-TN-8", started_on = "2024-05-01", history = { huyen_2023 } },
      expect = { eligible = false, gate = "thoi-gian", outcome = "khong-cong-nhan" } },
  },
}
