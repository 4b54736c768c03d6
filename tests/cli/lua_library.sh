# lua_library: the shared Lua library (scripts/lib) writes numbers, dates and upper case
# through the engine's dvk.number / dvk.date / dvk.upper (trailing zeros dropped: 12,5),
# under the names of its one naming rule; the names it had before are gone.
$DVK -e '
local chung = dvk.require("chung")
local bc = dvk.require("bao_cao")
local ctx = { level = "huyen", cutoff = "2024-12-31" }
print("== chung")
local hd = chung.tieu_chi_hoi_dong { id = "kho-khan", name = "Việc khó", max = 15 }
print(hd.score({ appraisal = { ["kho-khan"] = 12.5 } }, ctx))
print(hd.score({ appraisal = { ["kho-khan"] = 12.004 } }, ctx))
local sl = chung.tieu_chi_so_lieu { id = "hieu-qua", name = "Hiệu quả", max = 30,
  chi_so = "beneficiaries", khoang = chung.KHOANG.beneficiaries, nhan = "số người hưởng lợi" }
print(sl.score({ metrics = { beneficiaries = 1234.5 } }, ctx))
print(sl.score({ metrics = {} }, ctx))
print(chung.chi_so({ metrics = { x = 0 } }, "x"), chung.chi_so({ metrics = {} }, "x"))
print("== bao_cao")
print(bc.ty_le(1, 3), bc.ghi_ty_le(13, 14), bc.ghi_ty_le(7, 7), bc.ghi_ty_le(1, 0))
print(bc.ghi_doi_tuong(bc.dem_doi_tuong { { kind = "tap-the" }, { kind = "ca-nhan" },
                                          { kind = "tap-the" }, { kind = "ho-gia-dinh" } }))
local run = { id = 3, year = 2023, level_name = "Cấp tỉnh", status = "final",
              decision_number = "15/QĐ-UBND", decision_date = "2023-02-05",
              province_name = "Bắc Kạn", province_info = { decision = { family = "party" } } }
print(bc.ghi_dot_xet(run))
local o = bc.ban_hanh(run)
print(o.ho, o.cap_tren, o.tham_quyen, bc.ky_hieu(o))
local huyen = { id = 4, year = 2024, level_name = "Cấp huyện", status = "draft",
                province_name = "Bình Thuận", unit = "binh-thuan/bac-binh",
                unit_name = "Huyện Bắc Bình", province_info = {} }
print(bc.ghi_dot_xet(huyen))
o = bc.ban_hanh(huyen)
print(o.ho, o.co_quan:gsub("\n", " / "), o.dia_danh, o.thay_mat, o.chuc_danh)
print("== old names are gone")
for _, n in ipairs { "so", "so_dep", "dk_ten_dia_chi", "tc_so_lieu", "tc_hoi_dong" } do
  print("chung." .. n, chung[n])
end
for _, n in ipairs { "so", "upper", "ngay", "pct", "pct_text", "letterhead", "signature",
                     "recipients", "decision", "family", "dot_xet", "dem_loai", "loai_text" } do
  print("bao_cao." .. n, bc[n])
end
' || echo "exit $?"
