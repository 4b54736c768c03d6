-- scripts/lib/chung.lua: điều kiện, tiêu chí và thang điểm dùng chung cho các tỉnh.
-- Nạp bằng `local chung = dvk.require("chung")`. Mọi hàm trả về bảng mô tả cho dvk.province.
--
-- THANG ĐIỂM MẶC ĐỊNH CỦA DVK (không phải văn bản của tỉnh nào): chưa tìm thấy tỉnh nào công
-- bố thang điểm cho mô hình "Dân vận khéo" (thang điểm đã công bố là của công tác "dân vận
-- chính quyền": Quyết định 07/2023/QĐ-UBND của Bến Tre, 04/2025/QĐ-UBND của Hưng Yên), nên
-- khi hướng dẫn của tỉnh không nêu con số, các kịch bản dùng thang 100 điểm sau:
--   hiệu quả thiết thực 30, lan tỏa/nhân rộng 20, bền vững 20, giải quyết việc khó 15,
--   sáng tạo 15; công nhận từ 70 điểm, tiêu biểu từ 85 điểm;
--   điều kiện: có tên và địa chỉ cụ thể, thuộc một lĩnh vực của tỉnh, thực hiện từ 12 tháng.
-- Khoảng quy đổi số liệu (số người hưởng lợi, số người tham gia...) theo từng cấp cũng là lựa
-- chọn của dvk, để phân biệt mô hình cấp cơ sở với cấp trên (yêu cầu nêu trong hướng dẫn của
-- Nghệ An năm 2022: "phân biệt cấp cơ sở với cấp trên").

local M = {}

M.DIEM = { hieu_qua = 30, lan_toa = 20, ben_vung = 20, kho_khan = 15, sang_tao = 15 }
M.NGUONG = { cong_nhan = 70, tieu_bieu = 85 }
M.THANG_TOI_THIEU = 12

-- Khoảng quy đổi mặc định theo cấp: {thấp, cao}; dưới "thấp" được 0, từ "cao" được tối đa.
M.KHOANG = {
  beneficiaries = { ["co-so"] = { 20, 300 }, huyen = { 100, 1500 }, tinh = { 500, 5000 } },
  participants  = { ["co-so"] = { 10, 150 }, huyen = { 50, 600 },   tinh = { 200, 2500 } },
  thang         = { 12, 60 },
}

-- Giá trị một chỉ số của mô hình, hoặc nil khi không có (không bao giờ coi thiếu là 0).
function M.chi_so(m, ten)
  local t = m.metrics
  if t == nil then return nil end
  return t[ten]
end

-- Số tháng đã thực hiện tính đến ngày chốt của đợt xét, hoặc nil khi không có ngày bắt đầu.
function M.so_thang(m, ctx)
  if m.started_on == nil or m.started_on == "" then return nil end
  return dvk.months(m.started_on, ctx.cutoff)
end

-- Mô hình của tập thể hay của cá nhân / hộ gia đình (điển hình cá nhân).
function M.la_tap_the(m) return m.kind == "tap-the" end
function M.la_ca_nhan(m) return m.kind == "ca-nhan" or m.kind == "ho-gia-dinh" end

---------------------------------------------------------------------------------------------
-- Điều kiện (gates)

-- Có tên gọi và địa chỉ cụ thể.
function M.dieu_kien_ten_dia_chi()
  return {
    id = "ten-dia-chi", name = "Có tên gọi và địa chỉ cụ thể",
    test = function(m, ctx)
      if m.name == nil or m.name == "" then return false, "mô hình không có tên gọi" end
      if m.address == nil or m.address == "" then
        return false, "không ghi địa chỉ cụ thể nơi thực hiện"
      end
      return true
    end,
  }
end

-- Nội dung thuộc một trong các lĩnh vực tỉnh đã công bố (danh sách `fields` của kịch bản).
function M.dieu_kien_linh_vuc(linh_vuc)
  local co = {}
  for _, f in ipairs(linh_vuc) do co[f.id] = f.name end
  return {
    id = "linh-vuc", name = "Nội dung thuộc một lĩnh vực của tỉnh",
    test = function(m, ctx)
      if m.field ~= nil and co[m.field] then return true end
      return false, "lĩnh vực '" .. tostring(m.field) .. "' không có trong danh mục của tỉnh"
    end,
  }
end

-- Thực hiện từ `thang` tháng trở lên tính đến ngày chốt.
function M.dieu_kien_thoi_gian(thang)
  thang = thang or M.THANG_TOI_THIEU
  return {
    id = "thoi-gian", name = string.format("Thực hiện từ %d tháng trở lên", thang),
    test = function(m, ctx)
      local n = M.so_thang(m, ctx)
      if n == nil then return false, "không ghi ngày bắt đầu thực hiện" end
      if n < thang then
        return false, string.format("mới thực hiện %d tháng (cần từ %d tháng)", n, thang)
      end
      return true
    end,
  }
end

---------------------------------------------------------------------------------------------
-- Tiêu chí (criteria)

-- Điểm theo một chỉ số: max × dvk.scale(giá trị, thấp, cao). `khoang` là {thấp, cao} hoặc
-- một bảng theo cấp {["co-so"] = {...}, huyen = {...}, tinh = {...}}.
-- t = {id, name, max, chi_so (tên chỉ số trong m.metrics), khoang, nhan (tên chỉ số trong ghi
-- chú), applies}. Số trong ghi chú viết bằng dvk.number: 4.800, 12,5.
function M.tieu_chi_so_lieu(t)
  return {
    id = t.id, name = t.name, max = t.max, applies = t.applies,
    score = function(m, ctx)
      local v = M.chi_so(m, t.chi_so)
      if v == nil then return 0, "không có số liệu: " .. t.nhan end
      local k = t.khoang[ctx.level] or t.khoang
      local p = dvk.round(t.max * dvk.scale(v, k[1], k[2]))
      return p, string.format("%s: %s (quy đổi %s–%s)", t.nhan, dvk.number(v),
                              dvk.number(k[1]), dvk.number(k[2]))
    end,
  }
end

-- Điểm do hội đồng thẩm định chấm: bình quân điểm các thành viên (m.appraisal[id]).
-- t = {id, name, max, applies}
function M.tieu_chi_hoi_dong(t)
  return {
    id = t.id, name = t.name, max = t.max, applies = t.applies, council = true,
    score = function(m, ctx)
      local v = m.appraisal and m.appraisal[t.id]
      if v == nil then return 0, "hội đồng chưa chấm tiêu chí này" end
      return dvk.round(v), string.format("bình quân điểm hội đồng: %s", dvk.number(dvk.round(v)))
    end,
  }
end

-- Điểm theo thời gian duy trì: max × dvk.scale(số tháng, thấp, cao).
-- t = {id, name, max, khoang = {12, 60}, applies}
function M.tieu_chi_thoi_gian(t)
  local k = t.khoang or M.KHOANG.thang
  return {
    id = t.id, name = t.name, max = t.max, applies = t.applies,
    score = function(m, ctx)
      local n = M.so_thang(m, ctx)
      if n == nil then return 0, "không ghi ngày bắt đầu thực hiện" end
      return dvk.round(t.max * dvk.scale(n, k[1], k[2])),
             string.format("đã duy trì %d tháng (quy đổi %d–%d tháng)", n, k[1], k[2])
    end,
  }
end

-- Bộ năm tiêu chí theo thang mặc định (30/20/20/15/15). Hiệu quả theo số người hưởng lợi,
-- lan tỏa theo số người tham gia, bền vững theo số tháng duy trì, việc khó và sáng tạo do
-- hội đồng chấm. `khoang` thay khoảng quy đổi mặc định (M.KHOANG) nếu tỉnh muốn.
function M.bo_tieu_chi_mac_dinh(khoang)
  khoang = khoang or M.KHOANG
  return {
    M.tieu_chi_so_lieu { id = "hieu-qua", name = "Hiệu quả thiết thực", max = M.DIEM.hieu_qua,
                         chi_so = "beneficiaries", khoang = khoang.beneficiaries,
                         nhan = "số người hưởng lợi" },
    M.tieu_chi_so_lieu { id = "lan-toa", name = "Lan tỏa, thu hút nhiều lực lượng tham gia",
                         max = M.DIEM.lan_toa, chi_so = "participants",
                         khoang = khoang.participants, nhan = "số người tham gia" },
    M.tieu_chi_thoi_gian { id = "ben-vung", name = "Bền vững, duy trì lâu dài",
                           max = M.DIEM.ben_vung, khoang = khoang.thang },
    M.tieu_chi_hoi_dong { id = "kho-khan", name = "Giải quyết việc khó, bức xúc ở cơ sở",
                          max = M.DIEM.kho_khan },
    M.tieu_chi_hoi_dong { id = "sang-tao", name = "Cách làm sáng tạo", max = M.DIEM.sang_tao },
  }
end

-- Ghép các danh sách (điều kiện hoặc tiêu chí) thành một.
function M.noi(...)
  local out = {}
  for _, ds in ipairs({ ... }) do
    for _, x in ipairs(ds) do out[#out + 1] = x end
  end
  return out
end

return M
