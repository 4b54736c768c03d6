-- scripts/provinces/binh-thuan_test.lua: fixture models for binh-thuan.lua (dvk test).
-- Cấp huyện: người hưởng lợi 100–1.500, người tham gia 50–600; cấp tỉnh: 500–5.000 và
-- 200–2.500; thời gian 12–60 tháng; hội đồng chấm việc khó và sáng tạo.
local function mo_hinh(t)
  local m = { code = "T-BT", name = "Dân vận khéo ở vùng đồng bào dân tộc thiểu số",
              unit = "binh-thuan/cong-an-tinh", kind = "tap-the", category = "mo-hinh",
              field = "quoc-phong-an-ninh", level = "huyen", year = 2023,
              registration = "tiep-tuc", started_on = "2018-12-01",
              address = "Công an tỉnh Bình Thuận", description = "Vận động đồng bào dân tộc",
              metrics = { beneficiaries = 1500, participants = 600 },
              appraisal = { ["kho-khan"] = 15, ["sang-tao"] = 15 }, history = {} }
  for k, v in pairs(t) do m[k] = v end
  return m
end
local cong_nhan_huyen = { { year = 2023, level = "huyen", outcome = "tieu-bieu",
                            recognised = true, exemplary = true } }

return dvk.test {
  province = "binh-thuan", year = 2023, level = "huyen",
  units = {
    { code = "binh-thuan", name = "Tỉnh Bình Thuận", kind = "province" },
    { code = "binh-thuan/cong-an-tinh", name = "Đảng bộ Công an tỉnh", kind = "party-committee",
      parent = "binh-thuan" },
    { code = "binh-thuan/duc-linh", name = "Huyện Đức Linh", kind = "district",
      parent = "binh-thuan" },
  },
  cases = {
    { name = "cấp huyện: đủ điểm tối đa số liệu, tiêu biểu và đề nghị lên tỉnh",
      model = mo_hinh { code = "T-BT-1" },
      expect = { eligible = true, outcome = "tieu-bieu", total = 100, proposed = true,
                 points = { ["hieu-qua"] = 30, ["lan-toa"] = 20, ["ben-vung"] = 20,
                            ["kho-khan"] = 15, ["sang-tao"] = 15 } } },
    { name = "cấp huyện: công nhận",
      model = mo_hinh { code = "T-BT-2", unit = "binh-thuan/duc-linh", started_on = "2020-12-01",
                        metrics = { beneficiaries = 1150, participants = 325 },
                        appraisal = { ["kho-khan"] = 13.5, ["sang-tao"] = 14 } },
      expect = { eligible = true, outcome = "cong-nhan", total = 70 } },
    { name = "cấp huyện: cá nhân điểm thấp, không công nhận",
      model = mo_hinh { code = "T-BT-3", kind = "ca-nhan", category = "dien-hinh",
                        name = "Ông Trần Văn Hùng – công an viên gần dân",
                        metrics = { beneficiaries = 300, participants = 100 },
                        appraisal = { ["kho-khan"] = 10, ["sang-tao"] = 10 } },
      expect = { eligible = true, outcome = "khong-cong-nhan", total = 46.11 } },
    { name = "cấp huyện: chưa đủ 12 tháng",
      model = mo_hinh { code = "T-BT-4", started_on = "2023-02-01" },
      expect = { eligible = false, gate = "thoi-gian", outcome = "khong-cong-nhan" } },
    { name = "cấp huyện: thiếu địa chỉ",
      model = mo_hinh { code = "T-BT-5", address = "" },
      expect = { eligible = false, gate = "ten-dia-chi", outcome = "khong-cong-nhan" } },
  },
}
