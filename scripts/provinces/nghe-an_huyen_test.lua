-- scripts/provinces/nghe-an_huyen_test.lua: nghe-an.lua ở cấp huyện (phân biệt cấp: khoảng quy đổi lớn hơn).
-- Cấp cơ sở, ngày chốt 2022-12-31: người hưởng lợi 20–300 (30 điểm), số nơi nhân rộng 0–5
-- (20 điểm; cấp huyện 0–10), thời gian 12–60 tháng, hội đồng chấm việc khó và sáng tạo.
local function mo_hinh(t)
  local m = { code = "T-NA", name = "Tổ hòa giải ở cơ sở xóm 3", unit = "nghe-an/nam-dan/kim-lien",
              kind = "tap-the", category = "mo-hinh", field = "quoc-phong-an-ninh",
              level = "co-so", year = 2022, registration = "moi", started_on = "2017-12-01",
              address = "Xóm 3, xã Kim Liên, huyện Nam Đàn",
              description = "Hòa giải mâu thuẫn đất đai bằng vận động",
              metrics = { participants = 40, beneficiaries = 300, nhan_rong = 5 },
              appraisal = { ["kho-khan"] = 15, ["sang-tao"] = 14 }, history = {} }
  for k, v in pairs(t) do m[k] = v end
  return m
end

return dvk.test {
  province = "nghe-an", year = 2022, level = "huyen",
  units = {
    { code = "nghe-an", name = "Tỉnh Nghệ An", kind = "province" },
    { code = "nghe-an/nam-dan", name = "Huyện Nam Đàn", kind = "district", parent = "nghe-an" },
    { code = "nghe-an/nam-dan/kim-lien", name = "Xã Kim Liên", kind = "commune",
      parent = "nghe-an/nam-dan" },
  },
  cases = {
    { name = "cùng số liệu, xét ở cấp huyện thì không đạt (phân biệt cấp)",
      model = mo_hinh { code = "T-NA-2", unit = "nghe-an/nam-dan", level = "huyen" },
      expect = { eligible = true, outcome = "khong-cong-nhan", total = 63.29 } },
  },
}
