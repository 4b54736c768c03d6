-- scripts/lib/bao_cao.lua: hàm dùng chung cho các báo cáo trong scripts/lib/reports/: tỷ lệ,
-- dòng nhận diện đợt xét, ngày tính của đợt xét, đếm theo đối tượng, và phần đầu / phần cuối
-- của văn bản (cơ quan ban hành, căn cứ, nơi nhận, chữ ký) lấy từ bảng `decision` của tỉnh và
-- dữ liệu có thời hạn trong van_ban.lua.
--
-- Số, ngày và chữ hoa KHÔNG viết lại ở đây: dùng dvk.number (1.149; 12,5: bỏ số 0 cuối),
-- dvk.date ("ngày 05 tháng 02 năm 2023") và dvk.upper (chữ hoa tiếng Việt) của dvk, để báo
-- cáo viết số và ngày như mọi phần khác của dvk.

local van_ban = dvk.require("van_ban")
local the_thuc = dvk.require("the_thuc")

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

-- Loại đơn vị quyết định: loại của run.unit (commune, agency...), "province" cho đợt xét
-- toàn tỉnh.
function M.loai_don_vi(run)
  if run.unit == nil then return "province" end
  if run.unit_kind then return run.unit_kind end
  -- Không có loại (bảng run dựng tay): đoán theo tên, "Huyện ..." là cấp huyện.
  local ten = run.unit_name or ""
  for _, cap in ipairs{ "Huyện ", "Thành phố ", "Thị xã ", "Quận " } do
    if ten:sub(1, #cap) == cap then return "district" end
  end
  return "commune"
end

-- Các khóa của `decision` áp dụng cho MỌI đợt xét của tỉnh (mọi cấp, mọi đơn vị); các khóa
-- khác ở gốc bảng là của cơ quan cấp tỉnh (đợt xét toàn tỉnh); decision.kinds[loại] và
-- decision.units[mã] ghi đè cho đợt xét của đơn vị loại đó / đơn vị đó (đơn vị thắng loại).
local CHUNG = { family = true, bases = true, awards = true, issuers = true, style = true,
                deputy = true }

-- Bảng `decision` đã ghép cho đợt xét này.
function M.cai_dat(run)
  local d = M.quyet_dinh(run)
  local out = {}
  for k, v in pairs(d) do
    if k ~= "kinds" and k ~= "units" and (CHUNG[k] or run.unit == nil) then out[k] = v end
  end
  local function tron(t)
    if type(t) ~= "table" then return end
    for k, v in pairs(t) do out[k] = v end
  end
  tron(d.kinds and d.kinds[M.loai_don_vi(run)])
  if run.unit then tron(d.units and d.units[run.unit]) end
  return out
end

-- Họ văn bản: "party" (văn bản của Đảng) hoặc "state" (văn bản nhà nước, mặc định).
function M.ho_van_ban(run)
  local d = M.cai_dat(run)
  return d.family == "party" and "party" or "state"
end

-- Cơ quan ban hành vào ngày tính: {name=, full=, symbol=}; tỉnh có thể ghi decision.issuers.
function M.co_quan(run)
  local d = M.cai_dat(run)
  local date = M.ngay_tinh(run)
  local list = d.issuers or van_ban.CO_QUAN[M.ho_van_ban(run)]
  return van_ban.mot(list, date) or list[#list]
end

-- Thể thức của họ văn bản vào ngày tính (the_thuc.HO), với decision.style của tỉnh đè lên.
function M.the_thuc(run)
  return M.ban_hanh(run).the_thuc
end

-- Một dòng căn cứ theo thể thức: "Căn cứ X;" (nhà nước, nghiêng) hoặc "- Căn cứ X;" (Đảng,
-- đứng). Trả về chuỗi và kiểu đoạn văn.
function M.dong_can_cu(run, text)
  local cc = M.the_thuc(run).can_cu
  return cc.dau .. text .. cc.cuoi, cc.kieu
end

-- Các dòng căn cứ vào ngày tính: văn bản chung, rồi căn cứ riêng của tỉnh (decision.bases,
-- hoặc province_info.basis).
function M.can_cu(run)
  local d = M.cai_dat(run)
  local date = M.ngay_tinh(run)
  local out = {}
  for _, e in ipairs(van_ban.hieu_luc(van_ban.CAN_CU[M.ban_hanh(run).ho], date)) do
    out[#out + 1] = e.text
  end
  if d.bases then
    for _, e in ipairs(d.bases) do
      if type(e) == "string" then
        out[#out + 1] = e
      elseif (e.tu == nil or e.tu <= date) and (e.den == nil or date <= e.den) then
        out[#out + 1] = e.text
      end
    end
  elseif run.province_info.basis then
    out[#out + 1] = run.province_info.basis
  end
  return out
end

-- Tên riêng của một đơn vị ("Xã Tư Nghĩa" -> "Tư Nghĩa") và cấp ủy của đơn vị cấp huyện
-- ("Huyện Bắc Bình" -> "Huyện ủy").
local LOAI = { { "Huyện", "Huyện ủy" }, { "Thành phố", "Thành ủy" }, { "Thị xã", "Thị ủy" },
               { "Quận", "Quận ủy" }, { "Xã" }, { "Phường" }, { "Thị trấn" }, { "Đặc khu" } }
local function ten_rieng(ten)
  for _, l in ipairs(LOAI) do
    local rieng = ten:match("^" .. l[1] .. " (.+)$")
    if rieng then return rieng, l[2] end
  end
  return ten, nil
end

-- Chữ đầu viết thường: "Xã Tư Nghĩa" -> "xã Tư Nghĩa".
local function thuong_dau(s)
  local first = s:match("^[%z\1-\127\194-\244][\128-\191]*")
  return dvk.lower(first) .. s:sub(#first + 1)
end

-- Ký hiệu mặc định của một cơ quan: chữ đầu của mỗi từ, viết hoa ("Công an tỉnh" -> "CAT").
local function chu_dau(s)
  local out = {}
  for w in s:gmatch("%S+") do out[#out + 1] = dvk.upper(w:match("^[%z\1-\127\194-\244][\128-\191]*")) end
  return table.concat(out)
end

local function thay(s, v)
  if type(s) ~= "string" then return s end
  return (s:gsub("{([%a_]+)}", function(k)
    if v[k] == nil then error("the_thuc: no value for {" .. k .. "}", 0) end
    return v[k]
  end))
end

-- Cơ quan ban hành quyết định của đợt xét: {ho (họ văn bản: "state" | "party"), cap_tren
-- (dòng trên tên cơ quan), co_quan (tên cơ quan), tham_quyen (dòng thẩm quyền dưới trích
-- yếu), ten_day_du (tên dùng trong câu), ky_hieu, thay_mat ("T/M ĐẢNG ỦY", "" cho một ban hay
-- một chủ tịch), chuc_danh (của người ký), ten_nguoi_ky, dia_danh, thi_hanh (nội dung Điều 3),
-- noi_nhan (danh sách), luu (dòng lưu), kinh_gui (cấp trên nhận tờ trình), loai (ban | cap-uy | chu-tich | thu-truong | tap-the), the_thuc (thể
-- thức của họ văn bản)}. Quy tắc trong the_thuc.lua theo họ văn bản, loại đơn vị quyết định và
-- ngày; mọi phần đều ghi đè được bằng decision (gốc, kinds, units): parent_issuer,
-- issuing_body, authority, body_name, symbol, on_behalf, signer, signer_name, deputy, place,
-- executors, recipients, filing, superior (kinh_gui: the body a proposal goes to).
function M.ban_hanh(run)
  local d = M.cai_dat(run)
  local date = M.ngay_tinh(run)
  local ho = M.ho_van_ban(run)
  local kind = M.loai_don_vi(run)
  local rules = the_thuc.CO_QUAN[ho][kind] or the_thuc.CO_QUAN[ho].agency
  local r = van_ban.mot(rules, date) or rules[#rules]
  if r.ho and r.ho ~= ho then   -- một đảng ủy luôn ban hành văn bản của Đảng
    ho = r.ho
    d.family = ho
  end
  local tt = van_ban.mot(the_thuc.HO[ho], date) or the_thuc.HO[ho][#the_thuc.HO[ho]]
  if type(d.style) == "table" then
    local o2 = {}
    for k, v in pairs(tt) do o2[k] = v end
    for k, v in pairs(d.style) do o2[k] = v end
    tt = o2
  end
  local ban = van_ban.mot(d.issuers or the_thuc.BAN_TINH_UY, date)
    or (d.issuers or the_thuc.BAN_TINH_UY)[#(d.issuers or the_thuc.BAN_TINH_UY)]
  local ban_tu = van_ban.mot(the_thuc.BAN_TINH_UY, date) or the_thuc.BAN_TINH_UY[#the_thuc.BAN_TINH_UY]
  local ban_tw = van_ban.mot(the_thuc.BAN_TRUNG_UONG, date)
  local ten = run.unit_name or run.unit or run.province_name
  local rieng, uy = ten_rieng(ten)
  local du = ten:find("^Đảng bộ ") and (ten:gsub("^Đảng bộ ", "Đảng ủy ")) or ("Đảng ủy " .. ten)
  local v = {
    TINH = dvk.upper(run.province_name), Tinh = run.province_name,
    DV = dvk.upper(ten), Dv = ten, dv = thuong_dau(ten),
    RIENG = dvk.upper(rieng), Rieng = rieng,
    UY = uy and dvk.upper(uy) or "", Uy = uy or "",
    DU = dvk.upper(du), Du = du,
    BAN = ban.name, Ban = ban.full, BAN_KH = ban.symbol,
    KH_DV = chu_dau(ten),
  }
  local o = { ho = ho, loai = r.loai, the_thuc = tt }
  o.cap_tren = d.parent_issuer or thay(r.cap_tren, v)
  o.co_quan = d.issuing_body or thay(r.co_quan, v)
  o.tham_quyen = d.authority or thay(r.tham_quyen, v)
  o.ten_day_du = d.body_name or thay(r.ten, v)
  o.ky_hieu = d.symbol or thay(r.ky_hieu, v)
  o.thay_mat = d.on_behalf or r.thay_mat
  o.chuc_danh = d.signer or (d.deputy and r.ky_thay) or r.chuc_danh
  o.ten_nguoi_ky = d.signer_name
  o.dia_danh = d.place or thay(r.dia_danh, v)
  -- Điều 3 và nơi nhận.
  v.Ten = o.ten_day_du
  local cap_duoi = van_ban.mot(the_thuc.CAP_DUOI[ho], date)
  v.CAP_DUOI = cap_duoi and cap_duoi.text or ""
  v.VP = r.vp
  v.BAN_TU, v.BAN_TW = ban_tu.full, ban_tw.full
  v.LUU = d.filing or thay(tt.luu, v)
  o.luu = v.LUU
  o.thi_hanh = d.executors or thay(r.thi_hanh, v)
  o.kinh_gui = d.superior or thay(r.kinh_gui, v)
  o.noi_nhan = {}
  for i, x in ipairs(d.recipients or r.noi_nhan) do o.noi_nhan[i] = thay(x, v) end
  return o
end

-- "QĐ-UBND" (nhà nước) hoặc "QĐ/BDVTU" (đảng): phần ký hiệu sau số; loai_van_ban "TTr" cho tờ trình.
function M.ky_hieu(o, loai_van_ban)
  local l = loai_van_ban or "QĐ"
  return o.ho == "party" and (l .. "/" .. o.ky_hieu) or (l .. "-" .. o.ky_hieu)
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
-- loai_van_ban: "QĐ" (quyết định, mặc định), "TTr" (tờ trình), "GCN" (giấy chứng nhận): các
-- văn bản khác của đợt xét có số riêng `so` (nil: để trống, điền tay) và giữ ngày quyết định.
function M.phan_dau(run, doc, loai_van_ban, so_rieng)
  local o = M.ban_hanh(run)
  local ky_hieu = M.ky_hieu(o, loai_van_ban)
  local so = run.decision_number
  if loai_van_ban and loai_van_ban ~= "QĐ" then
    so = so_rieng
  elseif M.so_co_ky_hieu(so) then
    ky_hieu = nil
  end
  doc:letterhead{ family = o.ho, parent_issuer = o.cap_tren, issuer = o.co_quan,
                  number = so, symbol = ky_hieu, place = o.dia_danh,
                  date = run.decision_date or tostring(run.year) }
  -- Cỡ chữ và kiểu "Nơi nhận:" của họ văn bản (the_thuc.HO, decision.style đè lên).
  local tt = o.the_thuc
  doc:style{ body_pt = tt.co_chu, name_pt = tt.co_ten_loai, recipients_pt = tt.co_noi_nhan,
             recipient_items_pt = tt.co_noi_nhan_muc, recipients_format = tt.noi_nhan_kieu }
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

-- Chữ ký (doc:signature): "T/M" (Đảng) hoặc "TM." (nhà nước) chỉ cho tập thể, rồi chức danh
-- của người ký ("TRƯỞNG BAN", "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH").
function M.chu_ky(run, doc)
  local o = M.ban_hanh(run)
  doc:signature{ on_behalf = o.thay_mat, title = o.chuc_danh, name = o.ten_nguoi_ky }
end

-- "Nơi nhận:" (doc:recipients) mặc định theo họ văn bản và cấp ban hành, hoặc
-- decision.recipients của tỉnh.
function M.noi_nhan(run, doc)
  doc:recipients(M.ban_hanh(run).noi_nhan)
end

-- Bảng danh sách mô hình (STT, tên, đơn vị, lĩnh vực, đối tượng, điểm). Cột "Đơn vị thực
-- hiện" bỏ đi khi mọi mô hình là của chính đơn vị quyết định (quyết định của một xã không
-- nhắc lại tên xã ở mỗi dòng).
function M.bang_mo_hinh(run, doc, title, rows)
  local cua_minh = run.unit ~= nil
  for _, r in ipairs(rows) do
    if r.unit_code ~= run.unit then cua_minh = false end
  end
  local columns = { { id = "stt", title = "STT", type = "int", width = 5 },
                    { id = "ten", title = "Tên mô hình, điển hình" } }
  if not cua_minh then columns[#columns + 1] = { id = "don_vi", title = "Đơn vị thực hiện" } end
  columns[#columns + 1] = { id = "linh_vuc", title = "Lĩnh vực" }
  columns[#columns + 1] = { id = "loai", title = "Đối tượng" }
  columns[#columns + 1] = { id = "diem", title = "Điểm", type = "num" }
  local list = {}
  for i, r in ipairs(rows) do
    local row = { stt = i, ten = r.name, don_vi = r.unit_name, linh_vuc = r.field_name,
                  loai = r.kind_name, diem = r.total }
    list[i] = row
  end
  doc:table{ title = title, columns = columns, rows = list }
end

local ROMAN = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X" }

-- Danh sách kèm theo quyết định (o: M.ban_hanh): tên, "(Kèm theo Quyết định số ...)", các
-- nhóm theo kết quả (tốt nhất trước, tên theo thứ tự tiếng Việt), danh sách đề nghị cấp trên,
-- và các mô hình đã bị thu hồi công nhận.
function M.danh_sach(run, doc, o)
  local cap = M.cap(run)
  local rows = run:results{ recognised = true }
  local proposed = run:results{ proposed = true }
  doc:heading("DANH SÁCH", 2)
  doc:paragraph(string.format("Mô hình, điển hình \"Dân vận khéo\" %s năm %d được công nhận",
                              cap, run.year), "bold center")
  -- "ngày 20 tháng 12 năm 2023", or blanks to fill in before the year while there is no date
  local ngay = dvk.date(run.decision_date or tostring(run.year))
  doc:paragraph(string.format("(Kèm theo Quyết định số %s %s của %s)", M.so_ky_hieu(run, o),
    ngay, o.ten_day_du), "italic center")
  local groups, order = {}, {}
  for _, r in ipairs(rows) do
    if not groups[r.outcome] then
      groups[r.outcome] = { name = r.outcome_name, rows = {} }
      order[#order + 1] = r.outcome
    end
    table.insert(groups[r.outcome].rows, r)
  end
  if #order == 0 then
    doc:paragraph("Không có mô hình, điển hình nào được công nhận.", "italic center")
  end
  for gi, id in ipairs(order) do
    local g = groups[id]
    M.bang_mo_hinh(run, doc, string.format("%s. %s (%s)", ROMAN[gi] or tostring(gi), g.name,
                                           dvk.number(#g.rows)), g.rows)
  end
  if #proposed > 0 then
    M.bang_mo_hinh(run, doc, string.format("%s. Đề nghị cấp trên công nhận, khen thưởng (%s)",
      ROMAN[#order + 1] or tostring(#order + 1), dvk.number(#proposed)), proposed)
  end
  local thu_hoi = {}
  for _, v in ipairs(run.revocations or {}) do
    if v.model_code then thu_hoi[#thu_hoi + 1] = v end
  end
  if #thu_hoi > 0 then
    local ten = {}
    for _, r in ipairs(run:results{}) do ten[r.code] = r.name end
    doc:paragraph("Mô hình, điển hình đã bị thu hồi công nhận:", "bold")
    for _, v in ipairs(thu_hoi) do
      doc:paragraph(string.format("- %s (%s): thu hồi theo Quyết định số %s %s (%s).",
        ten[v.model_code] or v.model_code, v.model_code, v.number, dvk.date(v.date), v.reason))
    end
  end
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

-- Đợt xét toàn tỉnh ở một cấp dưới cấp tỉnh (run.unit nil, cấp không phải cấp cao nhất
-- trong province_info.levels): mỗi đơn vị quyết định ban hành quyết định của mình, như
-- `dvk decide --each-unit` chọn (engine/decide/each.c): ở cấp thấp nhất là đơn vị của mô hình
-- (xã, phường, cơ quan, đoàn thể không có đơn vị dưới), ở cấp giữa là đơn vị trực thuộc tỉnh
-- chứa nó. Trả về nil cho đợt xét của một đơn vị hay của cấp tỉnh (in như cũ); nếu không, danh
-- sách các "đợt xét của đơn vị" theo thứ tự đơn vị (tên đơn vị trực thuộc tỉnh, rồi tên đơn
-- vị, theo thứ tự tiếng Việt), mỗi cái có ít nhất một mô hình được công nhận, và số đơn vị có
-- mô hình được xét mà không công nhận mô hình nào. Mỗi đợt xét của đơn vị đọc như run (mọi
-- trường khác lấy từ run) với unit, unit_name, unit_kind của đơn vị quyết định, results() chỉ
-- các mô hình của đơn vị, revocations của các mô hình ấy (và của cả đợt), và không có số quyết
-- định (mỗi đơn vị ghi số của mình; ngày quyết định giữ nguyên).
function M.don_vi_quyet_dinh(run)
  local levels = run.province_info and run.province_info.levels
  if run.unit ~= nil or levels == nil or #levels == 0 or run.level == levels[#levels] then
    return nil
  end
  local thap_nhat = run.level == levels[1]
  local by, list = {}, {}
  for _, r in ipairs(run:results{}) do
    local code = thap_nhat and r.unit_code or r.top_unit_code
    local e = by[code]
    if not e then
      e = { code = code, rows = {}, recognised = 0,
            name = thap_nhat and r.unit_name or r.top_unit_name,
            kind = thap_nhat and r.unit_kind or r.top_unit_kind,
            top = r.top_unit_name or "" }
      by[code] = e
      list[#list + 1] = e
    end
    e.rows[#e.rows + 1] = r
    if r.recognised then e.recognised = e.recognised + 1 end
  end
  table.sort(list, function(a, b)
    local c = dvk.collate(a.top, b.top)
    if c ~= 0 then return c < 0 end
    c = dvk.collate(a.name or a.code, b.name or b.code)
    if c ~= 0 then return c < 0 end
    return a.code < b.code
  end)
  local out, khong = {}, 0
  for _, e in ipairs(list) do
    if e.recognised == 0 then
      khong = khong + 1
    else
      local cua = {}
      for _, r in ipairs(e.rows) do cua[r.code] = true end
      local revs = {}
      for _, v in ipairs(run.revocations or {}) do
        if v.model_code == nil or cua[v.model_code] then revs[#revs + 1] = v end
      end
      local rows = e.rows
      local view = { unit = e.code, unit_name = e.name or e.code, unit_kind = e.kind,
                     revocations = revs, so_mo_hinh = e.recognised, truc_thuoc = e.top }
      function view.results(_, f)
        local kept = {}
        for _, r in ipairs(rows) do
          local ok = true
          if type(f) == "table" then
            for _, k in ipairs{ "recognised", "exemplary", "proposed", "eligible" } do
              if f[k] ~= nil and (r[k] and true or false) ~= (f[k] and true or false) then
                ok = false
              end
            end
            if f.outcome ~= nil and r.outcome ~= f.outcome then ok = false end
          end
          if ok then kept[#kept + 1] = r end
        end
        return kept
      end
      out[#out + 1] = setmetatable(view, { __index = function(_, k)
        if k == "decision_number" then return nil end
        return run[k]
      end })
    end
  end
  return out, khong
end

-- Phần mở đầu của tập văn bản của các đơn vị (cac: M.don_vi_quyet_dinh; loai: "quyết định",
-- "tờ trình"...; khong: số đơn vị không công nhận mô hình nào): dòng nói đây là tập văn bản
-- của các đơn vị, mỗi đơn vị ký văn bản của mình (không có chữ ký chung của tỉnh), và bảng
-- các đơn vị theo thứ tự in. Mỗi văn bản sau đó bắt đầu ở trang mới.
function M.dau_tap(run, doc, loai, cac, khong)
  local cap = M.cap(run)
  doc:paragraph(string.format("Tập %s của các đơn vị %s - %s năm %d", loai, cap,
                              run.province_name, run.year), "bold center")
  local s = string.format("Đợt xét số %d (toàn tỉnh, %s) được quyết định ở từng đơn vị: %s "
    .. "đơn vị có mô hình, điển hình được công nhận, mỗi đơn vị ban hành và ký %s của mình "
    .. "(số văn bản do đơn vị ghi; không có chữ ký chung của tỉnh).", run.id, cap,
    dvk.number(#cac), loai)
  if khong > 0 then
    s = s .. string.format(" %s đơn vị khác không có mô hình, điển hình nào được công nhận.",
                           dvk.number(khong))
  end
  if #cac == 0 then
    s = string.format("Đợt xét số %d (toàn tỉnh, %s) không có mô hình, điển hình nào được "
      .. "công nhận: không có %s nào.", run.id, cap, loai)
  end
  doc:paragraph(s, "italic")
  -- Mã kiểm tra của đợt xét (hay "DỰ THẢO") cả ở trang đầu: tập không có quyết định nào vẫn
  -- đối chiếu được với `dvk verify --receipt`.
  M.ma_kiem_tra(run, doc)
  if #cac == 0 then return end
  -- Cột "Trực thuộc" (đơn vị trực thuộc tỉnh chứa đơn vị quyết định) khi có đơn vị ở dưới.
  local rows, tong, duoi = {}, 0, false
  for i, v in ipairs(cac) do
    local tren = v.truc_thuoc ~= v.unit_name and v.truc_thuoc or nil
    rows[i] = { stt = i, don_vi = v.unit_name, tren = tren, so = v.so_mo_hinh }
    if tren then duoi = true end
    tong = tong + v.so_mo_hinh
  end
  local columns = { { id = "stt", title = "STT", type = "int", width = 5 },
                    { id = "don_vi", title = "Đơn vị quyết định" } }
  if duoi then columns[#columns + 1] = { id = "tren", title = "Trực thuộc" } end
  columns[#columns + 1] = { id = "so", title = "Số mô hình, điển hình được công nhận",
                            type = "int" }
  doc:table{ title = "Các đơn vị ban hành", columns = columns, rows = rows,
             totals = { don_vi = "Tổng cộng", so = tong } }
end

return M
