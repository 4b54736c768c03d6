-- scripts/provinces/lang-son_test.lua: fixture models for lang-son.lua (dvk test).
-- Hai bộ tiêu chuẩn: tập thể (tt-*) và cá nhân (cn-*); cá nhân phải đạt "Gia đình văn hóa"
-- 3 năm liền. Cấp huyện (thành phố), ngày chốt 2019-12-31.
local function tap_the(t)
  local m = { code = "T-LS", name = "Hợp tác xã hoa đào Bản Cao",
              unit = "lang-son/tp-lang-son/quang-lac", kind = "tap-the", category = "mo-hinh",
              field = "kinh-te", level = "huyen", year = 2019, registration = "moi",
              started_on = "2014-12-01", address = "Thôn Bản Cao, xã Quảng Lạc, thành phố Lạng Sơn",
              description = "Hợp tác xã trồng hoa đào",
              metrics = { beneficiaries = 1500, participants = 600 },
              appraisal = { ["tt-sang-tao"] = 15, ["tt-hai-hoa"] = 15 } }
  for k, v in pairs(t) do m[k] = v end
  return m
end
local function ca_nhan(t)
  local m = { code = "T-LS-CN", name = "Ông Hoàng Văn Sơn – người có uy tín giữ yên khối phố",
              unit = "lang-son/tp-lang-son/chi-lang", kind = "ca-nhan", category = "dien-hinh",
              field = "quoc-phong-an-ninh", level = "huyen", year = 2019, registration = "moi",
              started_on = "2015-12-01", address = "Khối 3, phường Chi Lăng, thành phố Lạng Sơn",
              description = "Hòa giải, giữ gìn an ninh khối phố",
              metrics = { gdvh_nam = 5, vu_viec = 6, beneficiaries = 1150 },
              appraisal = { ["cn-guong-mau"] = 16, ["cn-sang-kien"] = 12 } }
  for k, v in pairs(t) do m[k] = v end
  return m
end

return dvk.test {
  province = "lang-son", year = 2019, level = "huyen",
  units = {
    { code = "lang-son", name = "Tỉnh Lạng Sơn", kind = "province" },
    { code = "lang-son/tp-lang-son", name = "Thành phố Lạng Sơn", kind = "district",
      parent = "lang-son" },
    { code = "lang-son/tp-lang-son/quang-lac", name = "Xã Quảng Lạc", kind = "commune",
      parent = "lang-son/tp-lang-son" },
    { code = "lang-son/tp-lang-son/chi-lang", name = "Phường Chi Lăng", kind = "commune",
      parent = "lang-son/tp-lang-son" },
  },
  cases = {
    { name = "tập thể đạt tối đa năm tiêu chuẩn: điển hình tiên tiến",
      model = tap_the { code = "T-LS-1" },
      expect = { eligible = true, outcome = "dien-hinh-tien-tien", total = 100,
                 recognised = true, exemplary = true,
                 points = { ["tt-sang-tao"] = 15, ["tt-ket-qua"] = 30, ["tt-huy-dong"] = 20,
                            ["tt-hai-hoa"] = 15, ["tt-ben-vung"] = 20,
                            ["cn-guong-mau"] = false, ["cn-sang-kien"] = false,
                            ["cn-giai-quyet"] = false, ["cn-phuc-vu"] = false,
                            ["cn-kien-tri"] = false } } },
    { name = "tập thể không cần điều kiện gia đình văn hóa",
      model = tap_the { code = "T-LS-2", metrics = { beneficiaries = 1150, participants = 325 },
                        started_on = "2015-12-01",
                        appraisal = { ["tt-sang-tao"] = 12, ["tt-hai-hoa"] = 13 } },
      expect = { eligible = true, outcome = "dien-hinh-tien-tien", total = 72.5 } },
    { name = "tập thể 55 điểm: đạt yêu cầu, chưa công nhận",
      model = tap_the { code = "T-LS-3", started_on = "2016-12-01",
                        metrics = { beneficiaries = 800, participants = 325 },
                        appraisal = { ["tt-sang-tao"] = 10, ["tt-hai-hoa"] = 10 } },
      expect = { eligible = true, outcome = "dat-yeu-cau", total = 55, recognised = false } },
    { name = "tập thể điểm thấp: không đạt",
      model = tap_the { code = "T-LS-4", started_on = "2018-12-01",
                        metrics = { beneficiaries = 100, participants = 50 },
                        appraisal = { ["tt-sang-tao"] = 5, ["tt-hai-hoa"] = 5 } },
      expect = { eligible = true, outcome = "khong-dat", total = 10 } },
    { name = "cá nhân đủ năm tiêu chuẩn: điển hình tiên tiến",
      model = ca_nhan { code = "T-LS-5" },
      expect = { eligible = true, outcome = "dien-hinh-tien-tien", total = 74.5,
                 points = { ["cn-guong-mau"] = 16, ["cn-sang-kien"] = 12, ["cn-giai-quyet"] = 9,
                            ["cn-phuc-vu"] = 22.5, ["cn-kien-tri"] = 15,
                            ["tt-sang-tao"] = false, ["tt-ket-qua"] = false,
                            ["tt-huy-dong"] = false, ["tt-hai-hoa"] = false,
                            ["tt-ben-vung"] = false } } },
    { name = "cá nhân: gia đình văn hóa mới 2 năm liền",
      model = ca_nhan { code = "T-LS-6",
                        metrics = { gdvh_nam = 2, vu_viec = 10, beneficiaries = 1500 } },
      expect = { eligible = false, gate = "gia-dinh-van-hoa", outcome = "khong-dat" } },
    { name = "cá nhân: không có số năm gia đình văn hóa",
      model = ca_nhan { code = "T-LS-7", metrics = { vu_viec = 10, beneficiaries = 1500 } },
      expect = { eligible = false, gate = "gia-dinh-van-hoa", outcome = "khong-dat" } },
    { name = "cá nhân: điểm tập thể của hội đồng không được tính cho cá nhân",
      model = ca_nhan { code = "T-LS-8",
                        appraisal = { ["tt-sang-tao"] = 15, ["tt-hai-hoa"] = 15 } },
      expect = { eligible = true, outcome = "khong-dat", total = 46.5 } },
    { name = "thiếu địa chỉ",
      model = tap_the { code = "T-LS-9", address = "" },
      expect = { eligible = false, gate = "ten-dia-chi", outcome = "khong-dat" } },
    { name = "chưa đủ 12 tháng",
      model = tap_the { code = "T-LS-10", started_on = "2019-03-01" },
      expect = { eligible = false, gate = "thoi-gian", outcome = "khong-dat" } },
  },
}
