-- tests/data/example/provinces/example.lua: the engine's test province ("Tỉnh Mẫu", not a
-- real one) for the decide, fault and robustness tests; docs/lua-api.md walks through it.
-- Offices start from scripts/provinces/_mau.lua. Numbers: the defaults of scripts/lib/chung.lua.

-- Points from the council's mean score when there is one, else nil.
local function appraised(m, id, max)
  local a = m.appraisal[id]
  if a == nil then return nil end
  return dvk.clamp(dvk.round(a), 0, max), "bình quân điểm hội đồng"
end

return dvk.province {
  code = "example",
  name = "Tỉnh Mẫu",
  basis = "Hướng dẫn số 01-HD/BDVTU (ví dụ) về tiêu chí công nhận mô hình \"Dân vận khéo\"",
  levels = { "co-so", "huyen", "tinh" },
  fields = {
    { id = "kinh-te", name = "Kinh tế" },
    { id = "van-hoa-xa-hoi", name = "Văn hóa – xã hội" },
    { id = "quoc-phong-an-ninh", name = "Quốc phòng – an ninh" },
    { id = "he-thong-chinh-tri", name = "Xây dựng hệ thống chính trị" },
  },
  cutoff = "11-30",
  scale_to = 100,   -- individuals have one criterion more: totals are out of 100 for both

  gates = {
    { id = "dia-chi", name = "Có tên và địa chỉ cụ thể",
      test = function(m, ctx)
        if m.address == nil or m.address == "" then return false, "không ghi địa chỉ" end
        return true
      end },
    { id = "thoi-gian", name = "Thực hiện từ 12 tháng",
      test = function(m, ctx)
        if m.started_on == nil then return false, "không ghi ngày bắt đầu" end
        local n = dvk.months(m.started_on, ctx.cutoff)
        return n >= 12, string.format("mới thực hiện %d tháng", n)
      end },
  },

  criteria = {
    { id = "hieu-qua", name = "Hiệu quả thiết thực", max = 30,
      score = function(m, ctx)
        local p, note = appraised(m, "hieu-qua", 30)
        if p then return p, note end
        local b = m.metrics.beneficiaries
        if b == nil then return 0, "không có số người hưởng lợi" end
        return dvk.round(30 * dvk.scale(b, 0, 1000)), string.format("%d người hưởng lợi", b)
      end },
    { id = "nhan-rong", name = "Lan tỏa, nhân rộng", max = 20,
      score = function(m, ctx)
        local n = ctx:replications(m.code)
        return math.min(20, 5 * n), string.format("%d đơn vị khác làm theo", n)
      end },
    { id = "ben-vung", name = "Bền vững", max = 20,
      score = function(m, ctx)
        local y = dvk.years(m.started_on, ctx.cutoff)
        local earlier = 0
        for _, h in ipairs(m.history) do
          if h.recognised then earlier = earlier + 1 end
        end
        return math.min(20, 4 * y + 2 * earlier),
               string.format("%d năm, %d lần được công nhận trước", y, earlier)
      end },
    { id = "kho-khan", name = "Giải quyết việc khó", max = 15,
      score = function(m, ctx)
        return appraised(m, "kho-khan", 15) or 0, "hội đồng chưa chấm"
      end },
    { id = "sang-tao", name = "Sáng tạo", max = 15,
      score = function(m, ctx)
        local p, note = appraised(m, "sang-tao", 15)
        return p or 0, note or "hội đồng chưa chấm"
      end },
    { id = "gia-dinh", name = "Gia đình văn hóa nhiều năm", max = 10,
      applies = function(m, ctx) return m.kind ~= "tap-the" end,
      score = function(m, ctx)
        local y = m.metrics.gdvh_years or 0
        return math.min(10, 2 * y), string.format("%d năm liền gia đình văn hóa", y)
      end },
  },

  outcomes = {
    { id = "tieu-bieu", name = "Điển hình tiêu biểu", min = 85, exemplary = true, propose = true },
    { id = "cong-nhan", name = "Công nhận", min = 70 },
    { id = "khong-cong-nhan", name = "Không công nhận" },
  },

  quotas = {
    { level = "huyen", outcome = "tieu-bieu", max = 2, per = "unit", tiebreak = { "hieu-qua" } },
    { level = "tinh", outcome = "tieu-bieu", max = 3, tiebreak = { "hieu-qua", "nhan-rong" } },
  },

  decision = { family = "state", issuer = "Ủy ban nhân dân tỉnh Mẫu", place = "Mẫu",
               signer = "CHỦ TỊCH" },
}
