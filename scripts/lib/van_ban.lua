-- scripts/lib/van_ban.lua: dữ liệu có thời hạn cho các báo cáo: căn cứ pháp lý, tên cơ quan
-- ban hành, hình thức khen thưởng, hệ số và mức lương cơ sở.
--
-- Mỗi mục có `tu` (từ ngày, kể cả ngày đó) và `den` (đến ngày, kể cả ngày đó); thiếu nghĩa là
-- không giới hạn. Báo cáo chọn các mục còn hiệu lực vào NGÀY QUYẾT ĐỊNH của đợt xét (đợt chưa
-- có ngày quyết định: ngày 31/12 của năm xét, và báo cáo ghi rõ điều đó).
-- Nguồn: văn bản gốc nêu cạnh từng mục. Mục nào ghi "CẦN ĐỐI CHIẾU" là
-- giá trị dvk chọn khi chưa có văn bản trong tay: tỉnh sửa bằng bảng `decision` trong kịch bản
-- của tỉnh (issuers, bases, awards), không sửa ở đây.

local M = {}

-- Căn cứ ban hành (mỗi dòng thành "Căn cứ ...;").
M.CAN_CU = {
  state = {
    -- Luật Tổ chức chính quyền địa phương: Luật 77/2015/QH13 (sửa 2019); Luật 65/2025/QH15
    -- (hiệu lực 01/3/2025); Luật 72/2025/QH15 (hiệu lực 01/7/2025, chính quyền hai cấp).
    { den = "2025-02-28",
      text = "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung "
        .. "một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
        .. "22 tháng 11 năm 2019" },
    { tu = "2025-03-01", den = "2025-06-30",
      text = "Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025" },
    -- Văn bản mới dẫn luật kèm số hiệu ("Luật … số 72/2025/QH15": DOMAIN.md).
    { tu = "2025-07-01",
      text = "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025" },
    -- Luật Thi đua, khen thưởng 2003 (sửa 2005, 2013) đến hết 2023; Luật 06/2022/QH15 từ 2024.
    { den = "2023-12-31",
      text = "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
        .. "điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013" },
    { tu = "2024-01-01", text = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022" },
    -- Nghị định hướng dẫn: 91/2017 -> 98/2023 (từ 01/01/2024) -> 152/2025 (từ 01/7/2025).
    { den = "2023-12-31",
      text = "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết "
        .. "thi hành một số điều của Luật Thi đua, khen thưởng" },
    { tu = "2024-01-01", den = "2025-06-30",
      text = "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
        .. "thi hành một số điều của Luật Thi đua, khen thưởng" },
    -- Nghị định 152/2025/NĐ-CP ngày 14/6/2025 (hiệu lực 01/7/2025), trích yếu như quyết định
    -- của Quảng Ninh 89/2025/QĐ-UBND viết (DOMAIN.md). CẦN ĐỐI CHIẾU: DOMAIN.md dừng ở "hướng
    -- dẫn thi hành …"; phần cuối "Luật Thi đua, khen thưởng" là dvk điền.
    { tu = "2025-07-01",
      nguon = "Quảng Ninh 89/2025/QĐ-UBND (DOMAIN.md: Bases as decisions write them)",
      text = "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về "
        .. "phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng "
        .. "dẫn thi hành Luật Thi đua, khen thưởng" },
  },
  party = {
    -- Quy chế công tác dân vận của hệ thống chính trị: 290-QĐ/TW (2010), thay bằng 23-QĐ/TW (2021).
    { den = "2021-07-29",
      text = "Quyết định số 290-QĐ/TW ngày 25 tháng 02 năm 2010 của Bộ Chính trị ban hành Quy chế "
        .. "công tác dân vận của hệ thống chính trị" },
    { tu = "2021-07-30",
      text = "Quyết định số 23-QĐ/TW ngày 30 tháng 7 năm 2021 của Bộ Chính trị ban hành Quy chế "
        .. "công tác dân vận của hệ thống chính trị" },
  },
}

-- Cơ quan ban hành theo thời gian (tên ban của tỉnh ủy: the_thuc.BAN_TINH_UY, một bản dữ liệu).
M.CO_QUAN = {
  party = dvk.require("the_thuc").BAN_TINH_UY,
  state = {
    { name = "ỦY BAN NHÂN DÂN", full = "Ủy ban nhân dân tỉnh", symbol = "UBND" },
  },
}

-- Mức lương cơ sở (đồng/tháng).
M.LUONG_CO_SO = {
  { tu = "2019-07-01", den = "2023-06-30", vnd = 1490000, nguon = "Nghị định 38/2019/NĐ-CP" },
  { tu = "2023-07-01", den = "2024-06-30", vnd = 1800000, nguon = "Nghị định 24/2023/NĐ-CP" },
  { tu = "2024-07-01", vnd = 2340000, nguon = "Nghị định 73/2024/NĐ-CP" },
}

-- Hình thức khen thưởng theo cấp của đợt xét, và hệ số (phần trăm của mức lương cơ sở, số
-- nguyên để tính không sai số: 150 = 1,5 lần). Tập thể gấp đôi cá nhân (Nghị định 91/2017 và
-- 98/2023). Hộ gia đình tính như cá nhân (lựa chọn của dvk, CẦN ĐỐI CHIẾU).
-- Bằng khen của Chủ tịch UBND tỉnh cho cá nhân: 1,0 lần (91/2017, 98/2023); 1,5 lần từ
-- 01/7/2025 (152/2025); tập thể 3,0 lần từ 01/7/2025 (gấp đôi: CẦN ĐỐI CHIẾU).
-- Giấy khen: 0,3 lần cá nhân, 0,6 lần tập thể; sau 01/7/2025 CẦN ĐỐI CHIẾU (giữ nguyên).
M.KHEN_THUONG = {
  tinh = {
    { den = "2025-06-30", ten = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
      ca_nhan = 100, tap_the = 200, nguon = "Nghị định 91/2017/NĐ-CP; Nghị định 98/2023/NĐ-CP" },
    { tu = "2025-07-01", ten = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
      ca_nhan = 150, tap_the = 300, nguon = "Nghị định 152/2025/NĐ-CP" },
  },
  huyen = {
    { den = "2025-06-30", ten = "Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện",
      ca_nhan = 30, tap_the = 60, nguon = "Nghị định 91/2017/NĐ-CP; Nghị định 98/2023/NĐ-CP" },
  },
  ["co-so"] = {
    { ten = "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã",
      ca_nhan = 30, tap_the = 60, nguon = "Nghị định 91/2017/NĐ-CP; Nghị định 98/2023/NĐ-CP" },
  },
}

-- Các mục của `list` còn hiệu lực vào ngày `date` ("YYYY-MM-DD"), giữ thứ tự.
function M.hieu_luc(list, date)
  local out = {}
  for _, e in ipairs(list or {}) do
    if (e.tu == nil or e.tu <= date) and (e.den == nil or date <= e.den) then
      out[#out + 1] = e
    end
  end
  return out
end

-- Mục đầu tiên còn hiệu lực, hoặc nil.
function M.mot(list, date)
  return M.hieu_luc(list, date)[1]
end

return M
