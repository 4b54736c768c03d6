-- tests/data/example/provinces/example_test.lua: fixture models for example.lua (dvk test,
-- run by tests/cli/lua_fixtures.sh); cutoff 2023-11-30. No database: ctx:replications() is 0
-- and history is what the case gives.
local base = {
  code = "EX-1", name = "Tổ hòa giải thôn Đông", unit = "example/dong", kind = "tap-the",
  category = "mo-hinh", field = "he-thong-chinh-tri", level = "huyen", year = 2023,
  registration = "tiep-tuc", started_on = "2019-01-10", address = "Thôn Đông",
}

-- base with some fields replaced
local function with(t)
  local m = {}
  for k, v in pairs(base) do m[k] = v end
  for k, v in pairs(t) do m[k] = v end
  return m
end

return dvk.test {
  province = "example", year = 2023, level = "huyen",
  units = {
    { code = "example", name = "Tỉnh Mẫu", kind = "province" },
    { code = "example/dong", name = "Huyện Đông", kind = "district", parent = "example" },
  },
  cases = {
    { name = "strong collective: exemplary",
      model = with { metrics = { beneficiaries = 1000 },
                     history = { { year = 2022, level = "huyen", outcome = "cong-nhan",
                                   recognised = true, exemplary = false, run = 1 } },
                     appraisal = { ["kho-khan"] = 15, ["sang-tao"] = 14.5 } },
      -- 30 + 0 + min(20, 4*4 + 2) = 18 + 15 + 14.5 = 77.5 of 100
      expect = { eligible = true, outcome = "cong-nhan", total = 77.5,
                 points = { ["hieu-qua"] = 30, ["nhan-rong"] = 0, ["ben-vung"] = 18,
                            ["gia-dinh"] = false } } },
    { name = "council score replaces the metric",
      model = with { metrics = { beneficiaries = 10 }, appraisal = { ["hieu-qua"] = 28.004 } },
      expect = { points = { ["hieu-qua"] = 28 } } },
    { name = "missing metric scores 0, never an error",
      model = with { metrics = {} },
      expect = { total = 16, outcome = "khong-cong-nhan", recognised = false } },
    { name = "individual: six criteria rescaled to 100",
      model = with { kind = "ca-nhan", category = "dien-hinh",
                     metrics = { beneficiaries = 1000, gdvh_years = 5 },
                     appraisal = { ["kho-khan"] = 15, ["sang-tao"] = 15 } },
      -- (30 + 0 + 16 + 15 + 15 + 10) / 110 * 100 = 78.18
      expect = { total = 78.18, outcome = "cong-nhan", points = { ["gia-dinh"] = 10 } } },
    { name = "too recent: gate thoi-gian",
      model = with { started_on = "2023-03-01", metrics = { beneficiaries = 1000 } },
      expect = { eligible = false, gate = "thoi-gian", outcome = "khong-cong-nhan",
                 reason = "mới thực hiện 8 tháng" } },
    { name = "no address: gate dia-chi comes first",
      model = with { address = "", started_on = "2023-03-01" },
      expect = { eligible = false, gate = "dia-chi" } },
  },
}
