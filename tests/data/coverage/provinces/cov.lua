-- tests/data/coverage/provinces/cov.lua: a small province for `dvk test --coverage`
-- (tests/cli/test_coverage.sh). Its tests (cov_test.lua) never make the criterion
-- "ca-nhan" apply (no individual's model), never reach the outcome "tieu-bieu", and never
-- let the gate "dia-chi" turn a model away.
local diem = dvk.require("cov_diem")

return dvk.province {
  code = "cov",
  name = "Tỉnh Thử Độ Phủ",
  levels = { "co-so", "huyen" },
  cutoff = "11-30",

  gates = {
    { id = "dia-chi", name = "Có địa chỉ",
      test = function(m, ctx)
        if m.address == nil then
          return false, "không ghi địa chỉ"
        end
        return true
      end },
    { id = "thoi-gian", name = "Thực hiện từ 12 tháng",
      test = function(m, ctx)
        if m.started_on == nil then
          return false, "không ghi ngày bắt đầu"
        end
        return dvk.months(m.started_on, ctx.cutoff) >= 12, "chưa đủ 12 tháng"
      end },
  },

  criteria = {
    { id = "hieu-qua", name = "Hiệu quả", max = 60,
      score = function(m, ctx)
        return diem.theo(m.metrics.beneficiaries, 1, 60)
      end },
    { id = "lan-toa", name = "Lan tỏa", max = 30,
      score = function(m, ctx)
        local n = m.metrics.communes
        if n == nil then
          return 0, "không ghi số xã"
        end
        return diem.theo(n, 10, 30)
      end },
    { id = "ca-nhan", name = "Gương cá nhân", max = 10,
      applies = function(m, ctx) return m.kind == "ca-nhan" end,
      score = function(m, ctx)
        local y = m.metrics.years or 0
        return math.min(10, 2 * y)
      end },
  },

  outcomes = {
    { id = "tieu-bieu", name = "Tiêu biểu", min = 85, exemplary = true },
    { id = "cong-nhan", name = "Công nhận", min = 50 },
    { id = "khong", name = "Không công nhận" },
  },

  quotas = {
    { level = "huyen", outcome = "cong-nhan", max = 5 },
    { level = "co-so", outcome = "cong-nhan", max = 9 },
  },
}
