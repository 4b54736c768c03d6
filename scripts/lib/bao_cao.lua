-- scripts/lib/bao_cao.lua: hàm dùng chung cho các báo cáo trong scripts/lib/reports/: tỷ lệ,
-- dòng nhận diện đợt xét, ngày tính của đợt xét, đếm theo đối tượng, và phần đầu / phần cuối
-- của văn bản (cơ quan ban hành, căn cứ, nơi nhận, chữ ký) lấy từ bảng `decision` của tỉnh và
-- dữ liệu có thời hạn trong van_ban.lua.
--
-- Số, ngày và chữ hoa KHÔNG viết lại ở đây: dùng dvk.number (1.149; 12,5: bỏ số 0 cuối),
-- dvk.date ("ngày 05 tháng 02 năm 2023") và dvk.upper (chữ hoa tiếng Việt) của dvk, để báo
-- cáo viết số và ngày như mọi phần khác của dvk.

local van_ban = dvk.require("van_ban")

local M = {}

-- Phần trăm a/b (0..100, làm tròn đến 0,01), hoặc nil khi b = 0. Dùng cho cột kiểu "pct".
function M.ty_le(a, b)
  if b == nil or b == 0 then return nil end
  return math.floor(10000 * a / b + 0.5) / 100
end

-- Tỷ lệ a/b viết ra, một chữ số lẻ: "50,4%", "100%"; "-" khi không tính được.
function M.ghi_ty_le(a, b)
  local p = M.ty_le(a, b)
  if p == nil then return "-" end
  return dvk.number(p, 1) .. "%"
end

-- Ngày dùng để chọn văn bản, hệ số, lương: ngày quyết định, hoặc 31/12 của năm xét khi đợt
-- chưa có quyết định. Trả về ngày "YYYY-MM-DD" và true khi là ngày tạm tính.
function M.ngay_tinh(run)
  if run.decision_date ~= nil then return run.decision_date, false end
  return string.format("%04d-12-31", run.year), true
end

-- Tên cấp của đợt xét viết thường, dùng trong câu: "cấp tỉnh".
function M.cap(run)
  return dvk.lower(run.level_name)
end

-- Bảng `decision` của tỉnh (có thể thiếu).
function M.quyet_dinh(run)
  local info = run.province_info
  return (info and info.decision) or {}
end

-- Họ văn bản: "party" (văn bản của Đảng) hoặc "state" (văn bản nhà nước, mặc định).
function M.ho_van_ban(run)
  local d = M.quyet_dinh(run)
  return d.family == "party" and "party" or "state"
end

-- Cơ quan ban hành vào ngày tính: {name=, full=, symbol=}; tỉnh có thể ghi decision.issuers.
function M.co_quan(run)
  local d = M.quyet_dinh(run)
  local date = M.ngay_tinh(run)
  local list = d.issuers or van_ban.CO_QUAN[M.ho_van_ban(run)]
  return van_ban.mot(list, date) or list[#list]
end

-- Các dòng căn cứ vào ngày tính: văn bản chung, rồi căn cứ riêng của tỉnh (decision.bases,
-- hoặc province_info.basis).
function M.can_cu(run)
  local d = M.quyet_dinh(run)
  local date = M.ngay_tinh(run)
  local out = {}
  for _, e in ipairs(van_ban.hieu_luc(van_ban.CAN_CU[M.ho_van_ban(run)], date)) do
    out[#out + 1] = e.text
  end
  if d.bases then
    for _, e in ipairs(van_ban.hieu_luc(d.bases, date)) do
      out[#out + 1] = type(e) == "string" and e or e.text
    end
  elseif run.province_info.basis then
    out[#out + 1] = run.province_info.basis
  end
  return out
end

-- Cấp ủy của một đơn vị cấp huyện theo tên: "Huyện Bắc Bình" -> "Huyện ủy", "Bắc Bình".
local UY = { ["Huyện"] = "Huyện ủy", ["Thành phố"] = "Thành ủy", ["Thị xã"] = "Thị ủy",
             ["Quận"] = "Quận ủy" }
local function cap_huyen(ten)
  for cap, uy in pairs(UY) do
    local rieng = ten:match("^" .. cap .. " (.+)$")
    if rieng then return uy, rieng end
  end
  return nil
end

-- Cơ quan ban hành quyết định của đợt xét: {ho (họ văn bản: "state" | "party"), cap_tren
-- (dòng trên tên cơ quan, văn bản của Đảng), co_quan (tên cơ quan, dòng đầu bên trái),
-- tham_quyen (dòng thẩm quyền dưới trích yếu), ten_day_du (tên viết thường, dùng trong câu),
-- ky_hieu, thay_mat ("TM. ỦY BAN NHÂN DÂN"), chuc_danh (của người ký), dia_danh, thi_hanh
-- (nội dung Điều 3), noi_nhan (danh sách)}. Đợt xét cấp tỉnh: cơ quan của tỉnh theo
-- ngày (van_ban.CO_QUAN); đợt xét của một đơn vị (run.unit): cơ quan của đơn vị đó (ban dân
-- vận huyện ủy, đảng ủy trực thuộc, hoặc ủy ban nhân dân cấp huyện).
function M.ban_hanh(run)
  local d = M.quyet_dinh(run)
  local cq = M.co_quan(run)
  local tinh = dvk.upper(run.province_name)
  local o = { ho = M.ho_van_ban(run), dia_danh = d.place or run.province_name }
  if run.unit == nil then
    if o.ho == "party" then
      o.cap_tren = "ĐẢNG BỘ TỈNH " .. tinh
      o.co_quan = cq.name
      o.tham_quyen = cq.name .. " TỈNH ỦY " .. tinh
      o.ten_day_du = cq.full .. " " .. run.province_name
      o.ky_hieu = d.symbol or cq.symbol
      o.thay_mat, o.chuc_danh = d.on_behalf or ("T/M " .. cq.name), d.signer or "TRƯỞNG BAN"
      o.thi_hanh = string.format("Các phòng, đơn vị thuộc %s, %s, đảng ủy trực thuộc Tỉnh ủy "
        .. "và các tập thể, cá nhân có tên tại Điều 1 căn cứ Quyết định thi hành.", cq.full,
        M.ngay_tinh(run) >= "2025-07-01" and "đảng ủy các xã, phường, đặc khu"
          or "ban dân vận các huyện ủy, thành ủy")
      o.noi_nhan = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);",
                       "Ban Dân vận Trung ương (b/c);", "Lưu: VT." }
    else
      o.co_quan = "ỦY BAN NHÂN DÂN\nTỈNH " .. tinh
      o.tham_quyen = "ỦY BAN NHÂN DÂN TỈNH " .. tinh
      o.ten_day_du = "Ủy ban nhân dân tỉnh " .. run.province_name
      o.ky_hieu = d.symbol or "UBND"
      o.thay_mat, o.chuc_danh = d.on_behalf or "TM. ỦY BAN NHÂN DÂN", d.signer or "CHỦ TỊCH"
      o.thi_hanh = string.format("Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, "
        .. "ban, ngành, %s và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
        .. "Quyết định này.", M.ngay_tinh(run) >= "2025-07-01"
          and "Chủ tịch Ủy ban nhân dân các xã, phường, đặc khu"
          or "Chủ tịch Ủy ban nhân dân các huyện, thành phố")
      o.noi_nhan = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);", "Thường trực HĐND tỉnh;",
                       "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Ban Dân vận Tỉnh ủy;",
                       "Lưu: VT." }
    end
  else
    local ten = run.unit_name or run.unit
    local uy, rieng = cap_huyen(ten)
    if rieng then o.dia_danh = rieng end
    if o.ho == "party" and uy then
      -- Ban dân vận của huyện ủy, thị ủy, thành ủy (ký hiệu BDVHU: mặc định của dvk).
      o.cap_tren = dvk.upper(uy .. " " .. rieng)
      o.co_quan = cq.name
      o.tham_quyen = cq.name .. " " .. o.cap_tren
      o.ten_day_du = "Ban Dân vận " .. uy .. " " .. rieng
      o.ky_hieu = "BDVHU"
      o.thay_mat, o.chuc_danh = "T/M " .. cq.name, "TRƯỞNG BAN"
      o.noi_nhan = { "Như Điều 3;", "Ban Dân vận Tỉnh ủy (b/c);",
                       "Thường trực " .. uy .. " (b/c);", "Lưu: VT." }
    elseif o.ho == "party" then
      -- Đảng bộ trực thuộc tỉnh ủy (công an, quân sự, khối cơ quan...): đảng ủy ban hành.
      local uy_ten = (ten:gsub("^Đảng bộ ", "Đảng ủy "))
      o.cap_tren = "ĐẢNG BỘ TỈNH " .. tinh
      o.co_quan = dvk.upper(uy_ten)
      o.tham_quyen = o.co_quan
      o.ten_day_du = uy_ten
      o.ky_hieu = "ĐU"
      o.thay_mat, o.chuc_danh = "T/M ĐẢNG ỦY", "BÍ THƯ"
      o.noi_nhan = { "Như Điều 3;", "Ban Dân vận Tỉnh ủy (b/c);", "Lưu: VT." }
    else
      o.co_quan = "ỦY BAN NHÂN DÂN\n" .. dvk.upper(ten)
      o.tham_quyen = "ỦY BAN NHÂN DÂN " .. dvk.upper(ten)
      o.ten_day_du = "Ủy ban nhân dân " .. dvk.lower(ten:sub(1, 1)) .. ten:sub(2)
      o.ky_hieu = "UBND"
      o.thay_mat, o.chuc_danh = "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
      o.noi_nhan = { "Như Điều 3;", "Ủy ban nhân dân tỉnh (b/c);",
                       "Ban Dân vận Tỉnh ủy (b/c);", "Lưu: VT." }
    end
    o.thi_hanh = string.format("Các cơ quan, đơn vị thuộc %s và các tập thể, cá nhân có tên "
      .. "tại Điều 1 %s.", o.ten_day_du, o.ho == "party" and "căn cứ Quyết định thi hành"
        or "chịu trách nhiệm thi hành Quyết định này")
  end
  if d.executors and run.unit == nil then o.thi_hanh = d.executors end
  if d.recipients and run.unit == nil then
    o.noi_nhan = {}
    for i, r in ipairs(d.recipients) do o.noi_nhan[i] = r end
  end
  return o
end

-- "QĐ-UBND" (nhà nước) hoặc "QĐ/BDVTU" (đảng): phần ký hiệu sau số.
function M.ky_hieu(o)
  return o.ho == "party" and ("QĐ/" .. o.ky_hieu) or ("QĐ-" .. o.ky_hieu)
end

-- true khi số quyết định đã có ký hiệu ("125-QĐ/BDVTU", "15/QĐ-UBND": có "/" hoặc "-QĐ"):
-- số ấy in nguyên văn như khi hoàn tất đợt xét; số trơn ("125") thì thêm ký hiệu.
function M.so_co_ky_hieu(so)
  return so ~= nil and (so:find("/", 1, true) ~= nil or so:find("-QĐ", 1, true) ~= nil)
end

-- Số và ký hiệu của quyết định như in trong câu ("125-QĐ/BDVTU", "15/QĐ-UBND"): số đã có ký
-- hiệu in nguyên văn; số trơn thêm ký hiệu theo họ văn bản; chưa có số thì để trống điền tay.
-- Phần đầu (doc:letterhead) dựng cùng dòng này từ number và symbol.
function M.so_ky_hieu(run, o)
  local so = run.decision_number
  if M.so_co_ky_hieu(so) then return so end
  local ky = (o.ho == "party" and "-" or "/") .. M.ky_hieu(o)
  return (so or string.rep("\u{A0}", 6)) .. ky
end

-- Phần đầu của văn bản (doc:letterhead) theo họ văn bản (nhà nước / đảng), và "DỰ THẢO" khi
-- đợt xét chưa có quyết định. Trả về bảng của M.ban_hanh.
function M.phan_dau(run, doc)
  local o = M.ban_hanh(run)
  local ky_hieu = M.ky_hieu(o)
  if M.so_co_ky_hieu(run.decision_number) then ky_hieu = nil end
  doc:letterhead{ family = o.ho, parent_issuer = o.cap_tren, issuer = o.co_quan,
                  number = run.decision_number, symbol = ky_hieu, place = o.dia_danh,
                  date = run.decision_date or tostring(run.year) }
  if run.status ~= "final" then doc:paragraph("DỰ THẢO", "bold right") end
  return o
end

-- Dòng cuối của quyết định và của danh sách kèm theo: "Mã kiểm tra: ab12-cd34-ef56-7890" khi
-- đợt xét đã có quyết định (run.fingerprint: mã của bản quyết định, đối chiếu bằng
-- `dvk verify --receipt`), "DỰ THẢO" như ở phần đầu khi chưa có.
function M.ma_kiem_tra(run, doc)
  if run.status == "final" and run.fingerprint then
    doc:paragraph("Mã kiểm tra: " .. run.fingerprint, "italic right")
  elseif run.status ~= "final" then
    doc:paragraph("DỰ THẢO", "bold right")
  end
end

-- Chữ ký (doc:signature): "T/M" (đảng) hoặc "TM." (nhà nước) và chức danh của người ký.
function M.chu_ky(run, doc)
  local o = M.ban_hanh(run)
  local d = M.quyet_dinh(run)
  doc:signature{ on_behalf = o.thay_mat, title = o.chuc_danh,
                 name = run.unit == nil and d.signer_name or nil }
end

-- "Nơi nhận:" (doc:recipients) mặc định theo họ văn bản và cấp ban hành, hoặc
-- decision.recipients của tỉnh.
function M.noi_nhan(run, doc)
  doc:recipients(M.ban_hanh(run).noi_nhan)
end

-- Dòng nhận diện đợt xét cho các báo cáo thống kê: "Đợt xét số 1, cấp tỉnh năm 2024, ...
-- (quyết định số 15/QĐ-UBND ngày 20 tháng 12 năm 2024)".
function M.ghi_dot_xet(run)
  local s = string.format("Đợt xét số %d, %s năm %d", run.id, M.cap(run), run.year)
  if run.unit_name then s = s .. ", " .. run.unit_name end
  if run.status == "final" then
    s = s .. string.format(" (quyết định số %s %s)", run.decision_number or "",
                           dvk.date(run.decision_date))
  else
    s = s .. " (dự thảo, chưa có quyết định)"
  end
  return s
end

-- Đếm theo đối tượng: tập thể / cá nhân / hộ gia đình.
function M.dem_doi_tuong(rows)
  local n = { ["tap-the"] = 0, ["ca-nhan"] = 0, ["ho-gia-dinh"] = 0 }
  for _, r in ipairs(rows) do n[r.kind] = (n[r.kind] or 0) + 1 end
  return n
end

-- Kết quả của M.dem_doi_tuong viết ra: "3 tập thể, 2 cá nhân và 1 hộ gia đình" (bỏ đối tượng
-- bằng 0).
function M.ghi_doi_tuong(n)
  local parts = {}
  if n["tap-the"] > 0 then parts[#parts + 1] = dvk.number(n["tap-the"]) .. " tập thể" end
  if n["ca-nhan"] > 0 then parts[#parts + 1] = dvk.number(n["ca-nhan"]) .. " cá nhân" end
  if n["ho-gia-dinh"] > 0 then
    parts[#parts + 1] = dvk.number(n["ho-gia-dinh"]) .. " hộ gia đình"
  end
  if #parts == 0 then return "" end
  if #parts == 1 then return parts[1] end
  return table.concat(parts, ", ", 1, #parts - 1) .. " và " .. parts[#parts]
end

return M
