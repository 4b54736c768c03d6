-- scripts/lib/bao_cao.lua: hàm dùng chung cho các báo cáo trong scripts/lib/reports/: chữ
-- hoa tiếng Việt, số và ngày viết kiểu Việt Nam, ngày tính của đợt xét, và phần đầu / phần
-- cuối của văn bản (tiêu đề, căn cứ, nơi nhận, chữ ký) lấy từ bảng `decision` của tỉnh và dữ
-- liệu có thời hạn trong van_ban.lua.

local van_ban = dvk.require("van_ban")

local M = {}

-- Chữ hoa của một chữ cái tiếng Việt (mã Unicode): ASCII, Latin-1, Latin mở rộng A và B dùng
-- trong tiếng Việt, và khối Latin mở rộng bổ sung (U+1EA0..U+1EF9: chữ hoa là số chẵn).
local function hoa_cp(c)
  if c >= 0x61 and c <= 0x7A then return c - 32 end
  if c >= 0xE0 and c <= 0xFE and c ~= 0xF7 then return c - 32 end
  if c == 0x103 or c == 0x111 or c == 0x129 or c == 0x169 then return c - 1 end
  if c == 0x1A1 or c == 0x1B0 then return c - 1 end
  if c >= 0x1EA0 and c <= 0x1EF9 and c % 2 == 1 then return c - 1 end
  return c
end

function M.upper(s)
  local out = {}
  for _, c in utf8.codes(s) do out[#out + 1] = utf8.char(hoa_cp(c)) end
  return table.concat(out)
end

-- 1234567 -> "1.234.567"; 12.5 -> "12,5" (tối đa hai chữ số lẻ).
function M.so(v)
  if v == nil then return "" end
  local neg = v < 0
  if neg then v = -v end
  local s = string.format("%.2f", v)
  local nguyen, le = s:match("^(%d+)%.(%d+)$")
  le = le:gsub("0+$", "")
  local nhom = {}
  while #nguyen > 3 do
    table.insert(nhom, 1, nguyen:sub(-3))
    nguyen = nguyen:sub(1, -4)
  end
  table.insert(nhom, 1, nguyen)
  local r = table.concat(nhom, ".")
  if le ~= "" then r = r .. "," .. le end
  return (neg and "-" or "") .. r
end

-- Phần trăm a/b (0..100, làm tròn đến 0,01), hoặc nil khi b = 0.
function M.pct(a, b)
  if b == nil or b == 0 then return nil end
  return math.floor(10000 * a / b + 0.5) / 100
end

-- "50,4%" hoặc "-" khi không tính được.
function M.pct_text(a, b)
  local p = M.pct(a, b)
  if p == nil then return "-" end
  return (string.format("%.1f", p):gsub("%.", ",")) .. "%"
end

-- "2024-01-05" -> "05/01/2024".
function M.ngay(iso)
  if iso == nil then return "" end
  local y, m, d = iso:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return iso end
  return d .. "/" .. m .. "/" .. y
end

-- Ngày dùng để chọn văn bản, hệ số, lương: ngày quyết định, hoặc 31/12 của năm xét khi đợt
-- chưa có quyết định. Trả về ngày và 1 khi là ngày tạm tính.
function M.ngay_tinh(run)
  if run.decision_date ~= nil then return run.decision_date, false end
  return string.format("%04d-12-31", run.year), true
end

function M.cap(run)
  return dvk.lower(run.level_name)
end

-- Bảng `decision` của tỉnh (có thể thiếu).
function M.decision(run)
  local info = run.province_info
  return (info and info.decision) or {}
end

function M.family(run)
  local d = M.decision(run)
  return d.family == "party" and "party" or "state"
end

-- Cơ quan ban hành vào ngày tính: {name=, full=, symbol=}; tỉnh có thể ghi decision.issuers.
function M.co_quan(run)
  local d = M.decision(run)
  local date = M.ngay_tinh(run)
  local list = d.issuers or van_ban.CO_QUAN[M.family(run)]
  return van_ban.mot(list, date) or list[#list]
end

-- Các dòng căn cứ vào ngày tính: văn bản chung, rồi căn cứ riêng của tỉnh (decision.bases,
-- hoặc province_info.basis).
function M.can_cu(run)
  local d = M.decision(run)
  local date = M.ngay_tinh(run)
  local out = {}
  for _, e in ipairs(van_ban.hieu_luc(van_ban.CAN_CU[M.family(run)], date)) do
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

-- Cơ quan ban hành quyết định của đợt xét: {family, parent, issuer (dòng đầu bên trái),
-- authority (dòng thẩm quyền dưới trích yếu), full (tên viết thường, dùng trong câu), symbol,
-- on_behalf, signer, place, executors, recipients}. Đợt xét cấp tỉnh: cơ quan của tỉnh theo
-- ngày (van_ban.CO_QUAN); đợt xét của một đơn vị (run.unit): cơ quan của đơn vị đó (ban dân
-- vận huyện ủy, đảng ủy trực thuộc, hoặc ủy ban nhân dân cấp huyện).
function M.ban_hanh(run)
  local d = M.decision(run)
  local cq = M.co_quan(run)
  local tinh = M.upper(run.province_name)
  local o = { family = M.family(run), place = d.place or run.province_name }
  if run.unit == nil then
    if o.family == "party" then
      o.parent = "ĐẢNG BỘ TỈNH " .. tinh
      o.issuer = cq.name
      o.authority = cq.name .. " TỈNH ỦY " .. tinh
      o.full = cq.full .. " " .. run.province_name
      o.symbol = d.symbol or cq.symbol
      o.on_behalf, o.signer = d.on_behalf or ("T/M " .. cq.name), d.signer or "TRƯỞNG BAN"
      o.executors = string.format("Các phòng, đơn vị thuộc %s, %s, đảng ủy trực thuộc Tỉnh ủy "
        .. "và các tập thể, cá nhân có tên tại Điều 1 căn cứ Quyết định thi hành.", cq.full,
        M.ngay_tinh(run) >= "2025-07-01" and "đảng ủy các xã, phường, đặc khu"
          or "ban dân vận các huyện ủy, thành ủy")
      o.recipients = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);",
                       "Ban Dân vận Trung ương (b/c);", "Lưu: VT." }
    else
      o.issuer = "ỦY BAN NHÂN DÂN\nTỈNH " .. tinh
      o.authority = "ỦY BAN NHÂN DÂN TỈNH " .. tinh
      o.full = "Ủy ban nhân dân tỉnh " .. run.province_name
      o.symbol = d.symbol or "UBND"
      o.on_behalf, o.signer = d.on_behalf or "TM. ỦY BAN NHÂN DÂN", d.signer or "CHỦ TỊCH"
      o.executors = string.format("Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, "
        .. "ban, ngành, %s và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
        .. "Quyết định này.", M.ngay_tinh(run) >= "2025-07-01"
          and "Chủ tịch Ủy ban nhân dân các xã, phường, đặc khu"
          or "Chủ tịch Ủy ban nhân dân các huyện, thành phố")
      o.recipients = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);", "Thường trực HĐND tỉnh;",
                       "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Ban Dân vận Tỉnh ủy;",
                       "Lưu: VT." }
    end
  else
    local ten = run.unit_name or run.unit
    local uy, rieng = cap_huyen(ten)
    if rieng then o.place = rieng end
    if o.family == "party" and uy then
      -- Ban dân vận của huyện ủy, thị ủy, thành ủy (ký hiệu BDVHU: mặc định của dvk).
      o.parent = M.upper(uy .. " " .. rieng)
      o.issuer = cq.name
      o.authority = cq.name .. " " .. o.parent
      o.full = "Ban Dân vận " .. uy .. " " .. rieng
      o.symbol = "BDVHU"
      o.on_behalf, o.signer = "T/M " .. cq.name, "TRƯỞNG BAN"
      o.recipients = { "Như Điều 3;", "Ban Dân vận Tỉnh ủy (b/c);",
                       "Thường trực " .. uy .. " (b/c);", "Lưu: VT." }
    elseif o.family == "party" then
      -- Đảng bộ trực thuộc tỉnh ủy (công an, quân sự, khối cơ quan...): đảng ủy ban hành.
      local uy_ten = (ten:gsub("^Đảng bộ ", "Đảng ủy "))
      o.parent = "ĐẢNG BỘ TỈNH " .. tinh
      o.issuer = M.upper(uy_ten)
      o.authority = o.issuer
      o.full = uy_ten
      o.symbol = "ĐU"
      o.on_behalf, o.signer = "T/M ĐẢNG ỦY", "BÍ THƯ"
      o.recipients = { "Như Điều 3;", "Ban Dân vận Tỉnh ủy (b/c);", "Lưu: VT." }
    else
      o.issuer = "ỦY BAN NHÂN DÂN\n" .. M.upper(ten)
      o.authority = "ỦY BAN NHÂN DÂN " .. M.upper(ten)
      o.full = "Ủy ban nhân dân " .. dvk.lower(ten:sub(1, 1)) .. ten:sub(2)
      o.symbol = "UBND"
      o.on_behalf, o.signer = "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
      o.recipients = { "Như Điều 3;", "Ủy ban nhân dân tỉnh (b/c);",
                       "Ban Dân vận Tỉnh ủy (b/c);", "Lưu: VT." }
    end
    o.executors = string.format("Các cơ quan, đơn vị thuộc %s và các tập thể, cá nhân có tên "
      .. "tại Điều 1 %s.", o.full, o.family == "party" and "căn cứ Quyết định thi hành"
        or "chịu trách nhiệm thi hành Quyết định này")
  end
  if d.executors and run.unit == nil then o.executors = d.executors end
  if d.recipients and run.unit == nil then
    o.recipients = {}
    for i, r in ipairs(d.recipients) do o.recipients[i] = r end
  end
  return o
end

-- "QĐ-UBND" (nhà nước) hoặc "QĐ/BDVTU" (đảng): phần ký hiệu sau số.
function M.ky_hieu(o)
  return o.family == "party" and ("QĐ/" .. o.symbol) or ("QĐ-" .. o.symbol)
end

-- Phần đầu của văn bản: letterhead theo họ văn bản (nhà nước / đảng).
function M.letterhead(run, doc)
  local o = M.ban_hanh(run)
  doc:letterhead{ family = o.family, parent_issuer = o.parent, issuer = o.issuer,
                  number = run.decision_number, symbol = M.ky_hieu(o), place = o.place,
                  date = run.decision_date or tostring(run.year) }
  if run.status ~= "final" then doc:paragraph("DỰ THẢO", "bold right") end
  return o
end

-- Chữ ký: "T/M" (đảng) hoặc "TM." (nhà nước) và chức danh của người ký.
function M.signature(run, doc)
  local o = M.ban_hanh(run)
  local d = M.decision(run)
  doc:signature{ on_behalf = o.on_behalf, title = o.signer,
                 name = run.unit == nil and d.signer_name or nil }
end

-- "Nơi nhận:" mặc định theo họ văn bản và cấp ban hành, hoặc decision.recipients của tỉnh.
function M.recipients(run, doc)
  doc:recipients(M.ban_hanh(run).recipients)
end

-- Dòng nhận diện đợt xét cho các báo cáo thống kê.
function M.dot_xet(run)
  local s = string.format("Đợt xét số %d, %s năm %d", run.id, M.cap(run), run.year)
  if run.unit_name then s = s .. ", " .. run.unit_name end
  if run.status == "final" then
    s = s .. string.format(" (quyết định số %s ngày %s)", run.decision_number or "",
                           M.ngay(run.decision_date))
  else
    s = s .. " (dự thảo, chưa có quyết định)"
  end
  return s
end

-- Đếm theo loại đối tượng: tập thể / cá nhân / hộ gia đình.
function M.dem_loai(rows)
  local n = { ["tap-the"] = 0, ["ca-nhan"] = 0, ["ho-gia-dinh"] = 0 }
  for _, r in ipairs(rows) do n[r.kind] = (n[r.kind] or 0) + 1 end
  return n
end

-- "3 tập thể, 2 cá nhân và 1 hộ gia đình" (bỏ loại bằng 0).
function M.loai_text(n)
  local parts = {}
  if n["tap-the"] > 0 then parts[#parts + 1] = M.so(n["tap-the"]) .. " tập thể" end
  if n["ca-nhan"] > 0 then parts[#parts + 1] = M.so(n["ca-nhan"]) .. " cá nhân" end
  if n["ho-gia-dinh"] > 0 then parts[#parts + 1] = M.so(n["ho-gia-dinh"]) .. " hộ gia đình" end
  if #parts == 0 then return "" end
  if #parts == 1 then return parts[1] end
  return table.concat(parts, ", ", 1, #parts - 1) .. " và " .. parts[#parts]
end

return M
