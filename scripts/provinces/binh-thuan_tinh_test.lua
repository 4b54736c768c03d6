-- scripts/provinces/binh-thuan_tinh_test.lua: binh-thuan.lua ở cấp tỉnh: điều kiện đã được cấp huyện công nhận (m.history) và khoảng quy đổi cấp tỉnh.
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
  province = "binh-thuan", year = 2023, level = "tinh",
  units = {
    { code = "binh-thuan", name = "Tỉnh Bình Thuận", kind = "province" },
    { code = "binh-thuan/cong-an-tinh", name = "Đảng bộ Công an tỉnh", kind = "party-committee",
      parent = "binh-thuan" },
    { code = "binh-thuan/duc-linh", name = "Huyện Đức Linh", kind = "district",
      parent = "binh-thuan" },
  },
  cases = {
    { name = "cấp tỉnh: được huyện công nhận, quy mô cấp tỉnh, tiêu biểu",
      model = mo_hinh { code = "T-BT-6", history = cong_nhan_huyen,
                        metrics = { beneficiaries = 5000, participants = 2500 },
                        appraisal = { ["kho-khan"] = 12, ["sang-tao"] = 12 } },
      expect = { eligible = true, outcome = "tieu-bieu", total = 94 } },
    { name = "cấp tỉnh: quy mô chỉ đủ cấp huyện thì không đạt ở cấp tỉnh",
      model = mo_hinh { code = "T-BT-7", history = cong_nhan_huyen },
      expect = { eligible = true, outcome = "khong-cong-nhan", total = 60.15 } },
    { name = "cấp tỉnh: chưa được cấp huyện công nhận",
      model = mo_hinh { code = "T-BT-8", metrics = { beneficiaries = 5000, participants = 2500 } },
      expect = { eligible = false, gate = "de-nghi", outcome = "khong-cong-nhan" } },
    { name = "cấp tỉnh: cấp huyện đã xét nhưng không công nhận",
      model = mo_hinh { code = "T-BT-9", metrics = { beneficiaries = 5000, participants = 2500 },
                        history = { { year = 2023, level = "huyen", outcome = "khong-cong-nhan",
                                      recognised = false, exemplary = false } } },
      expect = { eligible = false, gate = "de-nghi", outcome = "khong-cong-nhan" } },
    { name = "cấp tỉnh: được huyện công nhận năm trước vẫn đủ điều kiện",
      model = mo_hinh { code = "T-BT-10", metrics = { beneficiaries = 2750, participants = 1350 },
                        history = { { year = 2022, level = "huyen", outcome = "cong-nhan",
                                      recognised = true, exemplary = false } } },
      expect = { eligible = true, outcome = "cong-nhan", total = 75 } },
    { name = "cấp tỉnh: công nhận cấp tỉnh năm trước không thay cho công nhận của cấp huyện",
      model = mo_hinh { code = "T-BT-11", metrics = { beneficiaries = 5000, participants = 2500 },
                        history = { { year = 2022, level = "tinh", outcome = "cong-nhan",
                                      recognised = true, exemplary = false } } },
      expect = { eligible = false, gate = "de-nghi", outcome = "khong-cong-nhan" } },
  },
}
