-- scripts/provinces/nghe-an_test.lua: fixture models for nghe-an.lua (dvk test).
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
  province = "nghe-an", year = 2022, level = "co-so",
  units = {
    { code = "nghe-an", name = "Tỉnh Nghệ An", kind = "province" },
    { code = "nghe-an/nam-dan", name = "Huyện Nam Đàn", kind = "district", parent = "nghe-an" },
    { code = "nghe-an/nam-dan/kim-lien", name = "Xã Kim Liên", kind = "commune",
      parent = "nghe-an/nam-dan" },
  },
  cases = {
    { name = "cơ sở: giải quyết việc khó, nhân rộng 5 nơi: tiêu biểu, đề nghị lên huyện",
      model = mo_hinh { code = "T-NA-1" },
      expect = { eligible = true, outcome = "tieu-bieu", total = 99 } },
    { name = "cá nhân đúng 70 điểm: công nhận",
      model = mo_hinh { code = "T-NA-3", kind = "ca-nhan", category = "dien-hinh",
                        name = "Bà Nguyễn Thị Hoa – chi hội trưởng phụ nữ",
                        started_on = "2019-12-01",
                        metrics = { participants = 30, beneficiaries = 160, nhan_rong = 5 },
                        appraisal = { ["kho-khan"] = 13, ["sang-tao"] = 12 } },
      expect = { eligible = true, outcome = "cong-nhan", total = 70 } },
    { name = "rõ người, rõ việc: không mô tả cách làm",
      model = mo_hinh { code = "T-NA-4", description = "" },
      expect = { eligible = false, gate = "ro-nguoi-ro-viec", outcome = "khong-cong-nhan" } },
    { name = "rõ người, rõ việc: không có số người tham gia",
      model = mo_hinh { code = "T-NA-5", metrics = { beneficiaries = 300, nhan_rong = 5 } },
      expect = { eligible = false, gate = "ro-nguoi-ro-viec", outcome = "khong-cong-nhan" } },
    { name = "trùng lặp: đã công nhận ở cấp cơ sở năm 2021 mà đăng ký xây mới",
      model = mo_hinh { code = "T-NA-6",
                        history = { { year = 2021, level = "co-so", outcome = "cong-nhan",
                                      recognised = true, exemplary = false } } },
      expect = { eligible = false, gate = "khong-trung-lap", outcome = "khong-cong-nhan" } },
    { name = "đăng ký tiếp tục thực hiện thì được xét lại",
      model = mo_hinh { code = "T-NA-7", registration = "tiep-tuc",
                        history = { { year = 2021, level = "co-so", outcome = "cong-nhan",
                                      recognised = true, exemplary = false } } },
      expect = { eligible = true, outcome = "tieu-bieu", total = 99 } },
    { name = "công nhận năm trước ở cấp khác không phải trùng lặp",
      model = mo_hinh { code = "T-NA-8",
                        history = { { year = 2021, level = "huyen", outcome = "cong-nhan",
                                      recognised = true, exemplary = false } } },
      expect = { eligible = true, outcome = "tieu-bieu", total = 99 } },
    { name = "mới bắt đầu đầu năm 2022: chưa đủ 12 tháng khi tổng kết",
      model = mo_hinh { code = "T-NA-9", started_on = "2022-02-01" },
      expect = { eligible = false, gate = "thoi-gian", outcome = "khong-cong-nhan" } },
    { name = "thiếu địa chỉ",
      model = mo_hinh { code = "T-NA-10", address = "" },
      expect = { eligible = false, gate = "ten-dia-chi", outcome = "khong-cong-nhan" } },
  },
}
