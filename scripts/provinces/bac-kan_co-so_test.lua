-- scripts/provinces/bac-kan_co-so_test.lua: bac-kan.lua ở cấp cơ sở (khoảng quy đổi nhỏ hơn).
-- Ngày chốt 2023-12-31, cấp huyện: người hưởng lợi quy đổi 100–1.500 (30 điểm), người tham gia
-- 50–600 (20 điểm), thời gian 12–60 tháng (20 điểm), hội đồng chấm việc khó và sáng tạo (15+15).
return dvk.test {
  province = "bac-kan", year = 2023, level = "co-so",
  units = {
    { code = "bac-kan", name = "Tỉnh Bắc Kạn", kind = "province" },
    { code = "bac-kan/cho-don", name = "Huyện Chợ Đồn", kind = "district", parent = "bac-kan" },
    { code = "bac-kan/cho-don/ngoc-phai", name = "Xã Ngọc Phái", kind = "commune",
      parent = "bac-kan/cho-don" },
  },
  cases = {
    { name = "cấp cơ sở dùng khoảng quy đổi nhỏ hơn",
      model = { code = "T-BK-10", name = "Nhà văn hóa thôn do dân góp công",
                unit = "bac-kan/cho-don/ngoc-phai", kind = "tap-the", category = "mo-hinh",
                field = "nong-thon-moi", level = "co-so", year = 2023, registration = "moi",
                started_on = "2020-12-01", address = "Thôn Nà Pài, xã Ngọc Phái",
                description = "Góp công xây nhà văn hóa",
                metrics = { beneficiaries = 300, participants = 150 },
                appraisal = { ["kho-khan"] = 12, ["sang-tao"] = 12 } },
      expect = { eligible = true, outcome = "cong-nhan", total = 84 } },
  },
}
