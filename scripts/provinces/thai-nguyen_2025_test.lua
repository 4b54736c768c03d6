-- scripts/provinces/thai-nguyen_2025_test.lua: thai-nguyen.lua in 2025, under the two-level
-- government (dvk test). The province level takes the proposals of the communes and agencies
-- (co-so) directly: a same-cycle co-so recognition meets the province-level condition
-- "qua-trinh"; a commune of the former Bắc Kạn is judged like any other.
local function mo_hinh(t)
  local m = { code = "T-TN25", name = "Du lịch cộng đồng Pác Ngòi",
              unit = "thai-nguyen/ba-be", kind = "tap-the", category = "mo-hinh",
              field = "van-hoa-xa-hoi", level = "co-so", year = 2025, registration = "tiep-tuc",
              started_on = "2020-06-01", address = "Bản Pác Ngòi, xã Ba Bể, tỉnh Thái Nguyên",
              description = "Vận động đồng bào làm du lịch cộng đồng, giữ nếp nhà sàn",
              metrics = { beneficiaries = 5000, participants = 2500 },
              appraisal = { ["kho-khan"] = 12, ["sang-tao"] = 13 }, history = {} }
  for k, v in pairs(t) do m[k] = v end
  return m
end

return dvk.test {
  province = "thai-nguyen", year = 2025, level = "tinh",
  units = {
    { code = "thai-nguyen", name = "Tỉnh Thái Nguyên", kind = "province" },
    { code = "thai-nguyen/ba-be", name = "Xã Ba Bể", kind = "commune", parent = "thai-nguyen" },
  },
  cases = {
    { name = "2025: xã đề nghị thẳng lên tỉnh, đã được công nhận ở cấp cơ sở cùng đợt",
      model = mo_hinh { code = "T-TN25-1",
                        history = { { year = 2025, level = "co-so", outcome = "tieu-bieu",
                                      recognised = true, exemplary = true } } },
      expect = { eligible = true, outcome = "tieu-bieu", total = 95 } },
    { name = "2025: chưa được cấp cơ sở công nhận",
      model = mo_hinh { code = "T-TN25-2",
                        history = { { year = 2025, level = "co-so", outcome = "khong-cong-nhan",
                                      recognised = false, exemplary = false } } },
      expect = { eligible = false, gate = "qua-trinh", outcome = "khong-cong-nhan" } },
  },
}
