-- tests/data/template/ma-tinh_tinh_test.lua: the template's province-level gate "qua-trinh"
-- (recognised at a lower level before), which reads m.history. See ma-tinh_test.lua.
local function mo_hinh(history)
  return { name = "Tổ tự quản", address = "Thôn Đông", field = "kinh-te",
           started_on = "2019-01-01", metrics = { beneficiaries = 5000, participants = 2500 },
           history = history }
end

return dvk.test {
  province = "ma-tinh", year = 2024, level = "tinh",
  cases = {
    { name = "never recognised below: gate qua-trinh",
      model = mo_hinh {},
      expect = { eligible = false, gate = "qua-trinh",
                 reason = "chưa được công nhận ở cấp cơ sở hoặc cấp huyện" } },
    { name = "recognised at the district level in 2023: eligible",
      model = mo_hinh { { year = 2023, level = "huyen", outcome = "cong-nhan",
                          recognised = true, exemplary = false, run = 1 } },
      expect = { eligible = true, gate = false } },
    { name = "considered but not recognised below: gate qua-trinh",
      model = mo_hinh { { year = 2023, level = "huyen", outcome = "khong-cong-nhan",
                          recognised = false, exemplary = false, run = 1 } },
      expect = { eligible = false, gate = "qua-trinh" } },
  },
}
