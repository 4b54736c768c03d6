-- bench/bench_province.lua: the benchmark province for `dvk synth`'s built-in province
-- gia-lap: 2 gates, 6 criteria, 3 outcomes, 1 quota, every rule a plain function of the
-- model's columns and metrics so that bench/decide.sql (pure SQL) and bench/decide.py
-- (Python) compute exactly the same totals and outcomes. bench/run.sh installs it as
-- provinces/gia-lap.lua in a temporary scripts folder. Keep the three in step.
local function part(max, v, full)          -- max * clamp(v / full); a missing metric is 0
  if v == nil then return 0, "không có số liệu" end
  return max * dvk.clamp(v / full), "theo số liệu"
end

return dvk.province {
  code = "gia-lap",
  name = "Tỉnh Giả Lập (benchmark)",
  basis = "bench/bench_province.lua",
  levels = { "co-so", "huyen", "tinh" },
  fields = {
    { id = "kinh-te", name = "Kinh tế" },
    { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
    { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
    { id = "xay-dung-he-thong-chinh-tri", name = "Xây dựng hệ thống chính trị" },
  },
  cutoff = "11-30",

  gates = {
    { id = "dia-chi", name = "Có địa chỉ cụ thể",
      test = function(m, ctx) return m.address ~= nil and m.address ~= "" end },
    { id = "thoi-gian", name = "Thực hiện từ 12 tháng",
      test = function(m, ctx)
        return m.started_on ~= nil and dvk.months(m.started_on, ctx.cutoff) >= 12
      end },
  },

  criteria = {
    { id = "huong-loi", name = "Người hưởng lợi", max = 30,
      score = function(m, ctx) return part(30, m.metrics.beneficiaries, 1000) end },
    { id = "kinh-phi", name = "Kinh phí huy động", max = 20,
      score = function(m, ctx) return part(20, m.metrics.funds_vnd, 2e9) end },
    { id = "ngay-cong", name = "Ngày công", max = 15,
      score = function(m, ctx) return part(15, m.metrics.workdays, 5000) end },
    { id = "tham-gia", name = "Người tham gia", max = 15,
      score = function(m, ctx) return part(15, m.metrics.participants, 5000) end },
    { id = "nha", name = "Nhà, công trình", max = 10,
      score = function(m, ctx) return part(10, m.metrics.houses, 50) end },
    { id = "duy-tri", name = "Duy trì", max = 10,
      score = function(m, ctx)
        if m.registration == "tiep-tuc" then return 10, "đăng ký tiếp tục" end
        return 5, "đăng ký mới"
      end },
  },

  outcomes = {
    { id = "tieu-bieu", name = "Điển hình tiêu biểu", min = 60, exemplary = true },
    { id = "cong-nhan", name = "Công nhận", min = 35 },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },

  quotas = {
    { level = "co-so", outcome = "tieu-bieu", max = 1000, tiebreak = { "huong-loi" } },
  },
}
