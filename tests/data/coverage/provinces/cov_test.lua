-- tests/data/coverage/provinces/cov_test.lua: the tests of cov.lua; by design they leave
-- the criterion "ca-nhan", the outcome "tieu-bieu" and a few lines unexercised.
return dvk.test {
  province = "cov", year = 2023, level = "huyen",
  cases = {
    { name = "recognised",
      model = { address = "Thôn Một", started_on = "2020-01-01",
                metrics = { beneficiaries = 40, communes = 2 } },
      expect = { outcome = "cong-nhan", total = 60, points = { ["ca-nhan"] = false } } },
    { name = "too new",
      model = { address = "Thôn Hai", started_on = "2023-06-01" },
      expect = { eligible = false, gate = "thoi-gian" } },
    { name = "no communes",
      model = { address = "Thôn Ba", started_on = "2019-01-01", metrics = {} },
      expect = { outcome = "khong", total = 0 } },
  },
}
