-- scripts/lib/the_thuc.lua: thể thức văn bản (dữ liệu, không có hàm): họ văn bản của Đảng và
-- của Nhà nước, cơ quan ban hành theo loại đơn vị quyết định, chữ ký, ký hiệu, cỡ chữ, kiểu
-- căn cứ và nơi nhận, nơi nhận có thời hạn. bao_cao.lua chọn mục theo NGÀY QUYẾT ĐỊNH và LOẠI
-- ĐƠN VỊ quyết định (run.unit_kind; đợt xét toàn tỉnh: "province").
--
-- Mỗi mục có `tu`/`den` (từ ngày / đến ngày, kể cả; thiếu: không giới hạn) và `nguon` (nguồn:
-- văn bản, hoặc mục của ../shared/DOMAIN.md mà dvk dựa vào). Mục có `chua_doi_chieu = true` là
-- điều DOMAIN.md ghi "chưa kiểm chứng" (reported, unverified) hoặc là lựa chọn mặc định của dvk
-- khi chưa có văn bản trong tay: tỉnh sửa bằng bảng `decision` trong kịch bản của tỉnh, không
-- sửa ở đây (docs/reports.md, "Thể thức: dữ liệu và ghi đè").
--
-- Trong các chuỗi: {TINH} = tên tỉnh viết hoa ("LẠNG SƠN"), {Tinh} = tên tỉnh ("Lạng Sơn"),
-- {DV} = tên đơn vị viết hoa ("XÃ KIM LONG"), {Dv} = tên đơn vị ("Xã Kim Long"), {dv} = tên
-- đơn vị viết thường chữ đầu ("xã Kim Long"), {RIENG} / {Rieng} = tên riêng không có chữ chỉ
-- loại ("KIM LONG" / "Kim Long"), {BAN} / {Ban} = tên ban theo ngày (BAN_TINH_UY), {UY} = cấp
-- ủy của đơn vị cấp huyện ("HUYỆN ỦY", "THÀNH ỦY"), {Uy} = "Huyện ủy".

local M = {}

-- Thể thức chung của mỗi họ văn bản: phông, cỡ chữ, kiểu dòng căn cứ, "Nơi nhận:", dòng lưu,
-- số trang. Trình kết xuất (HTML, DOCX) dùng đúng các giá trị này cho mỗi họ (render.c,
-- render_docx.c); các chuỗi (căn cứ, lưu) do bao_cao.lua ghép.
M.HO = {
  state = {
    { tu = "2020-03-05",
      nguon = "Nghị định 30/2020/NĐ-CP, Phụ lục I (DOMAIN.md: Decisions and documents)",
      phong = "Times New Roman", co_chu = 14, co_ten_loai = 14, co_trich_yeu = 14,
      co_noi_nhan = 12, co_noi_nhan_muc = 11,
      can_cu = { dau = "Căn cứ ", cuoi = ";", kieu = "italic" },
      xet_de_nghi_kieu = "italic",
      noi_nhan_kieu = "bold italic",           -- "Nơi nhận:" in nghiêng, đậm
      luu = "Lưu: VT.",
      so_trang = "Số Ả Rập, giữa, phía trên; không đánh số trang đầu",
      le = { tren = 20, duoi = 20, trai = 30, phai = 15 } },  -- mm
  },
  party = {
    { den = "2026-01-08",
      nguon = "Quy định 66-QĐ/TW (2017), Hướng dẫn 36-HD/VPTW (2018); thực tiễn văn bản đã "
        .. "công bố (DOMAIN.md: Party style differs from State style)",
      phong = "Times New Roman", co_chu = 14, co_ten_loai = 16, co_trich_yeu = 14,
      co_noi_nhan = 14, co_noi_nhan_muc = 12,
      can_cu = { dau = "- Căn cứ ", cuoi = ";", kieu = "normal" },   -- đứng, có gạch đầu dòng
      xet_de_nghi_kieu = "normal",
      noi_nhan_kieu = "underline",             -- "Nơi nhận:" gạch chân
      luu = "Lưu Văn phòng {VP}.",
      so_trang = "Số Ả Rập, giữa, phía trên; không đánh số trang đầu",
      le = { tren = 20, duoi = 20, trai = 30, phai = 15 } },
    -- Chưa kiểm chứng (DOMAIN.md): 399-QĐ/TW (09/01/2026) và 05-HD/VPTW (27/5/2026) thay 66 và
    -- 36; dvk chưa có văn bản, giữ nguyên thể thức cũ.
    { tu = "2026-01-09", chua_doi_chieu = true,
      nguon = "Quy định 399-QĐ/TW (09/01/2026), Hướng dẫn 05-HD/VPTW (27/5/2026): báo chí, "
        .. "chưa kiểm chứng (DOMAIN.md); giữ thể thức của 66-QĐ/TW",
      phong = "Times New Roman", co_chu = 14, co_ten_loai = 16, co_trich_yeu = 14,
      co_noi_nhan = 14, co_noi_nhan_muc = 12,
      can_cu = { dau = "- Căn cứ ", cuoi = ";", kieu = "normal" },
      xet_de_nghi_kieu = "normal",
      noi_nhan_kieu = "underline",
      luu = "Lưu Văn phòng {VP}.",
      so_trang = "Số Ả Rập, giữa, phía trên; không đánh số trang đầu",
      le = { tren = 20, duoi = 20, trai = 30, phai = 15 } },
  },
}

-- Tên ban của tỉnh ủy theo ngày (văn bản của Đảng). Ban Dân vận và Ban Tuyên giáo hợp nhất
-- thành Ban Tuyên giáo và Dân vận năm 2025; ở trung ương ngày 03/02/2025 (DOMAIN.md: The 2025
-- reorganisation; znews 03/02/2025). Ngày ở tỉnh khác nhau: dvk lấy 01/3/2025 (chưa đối chiếu),
-- tỉnh ghi ngày của mình trong decision.issuers.
M.BAN_TINH_UY = {
  { den = "2025-02-28", name = "BAN DÂN VẬN", full = "Ban Dân vận Tỉnh ủy", symbol = "BDVTU",
    nguon = "Hướng dẫn 08-HD/BDVTU ngày 25/9/2022 của Thái Nguyên (ký hiệu)" },
  { tu = "2025-03-01", name = "BAN TUYÊN GIÁO VÀ DÂN VẬN",
    full = "Ban Tuyên giáo và Dân vận Tỉnh ủy", symbol = "BTGDVTU", chua_doi_chieu = true,
    nguon = "DOMAIN.md (mẫu văn bản của Tuyên Quang: \"Số …-QĐ/BTGDVTU\"); ngày 01/3/2025 "
      .. "là mặc định của dvk" },
}

-- Cơ quan cấp trên (báo cáo "b/c") theo ngày, dùng trong nơi nhận.
M.BAN_TRUNG_UONG = {
  { den = "2025-02-02", full = "Ban Dân vận Trung ương",
    nguon = "DOMAIN.md: hợp nhất ngày 03/02/2025 (znews 03/02/2025)" },
  { tu = "2025-02-03", full = "Ban Tuyên giáo và Dân vận Trung ương",
    nguon = "DOMAIN.md: hợp nhất ngày 03/02/2025 (znews 03/02/2025)" },
}

-- Cơ quan ban hành theo họ văn bản và loại đơn vị quyết định. Trường:
--   cap_tren   dòng trên tên cơ quan (văn bản của Đảng: cấp ủy cấp trên; nhà nước: cơ quan
--              chủ quản, "" khi không có)
--   co_quan    tên cơ quan ban hành ("\n" xuống dòng)
--   tham_quyen dòng thẩm quyền dưới trích yếu
--   ten        tên viết thường, dùng trong câu ("của Ban Tuyên giáo và Dân vận Tỉnh ủy Lạng Sơn")
--   ky_hieu    phần sau "QĐ" (Đảng: "-QĐ/BTGDVTU"; nhà nước: "/QĐ-UBND")
--   thay_mat   dòng trên chức danh: "T/M" (Đảng) và "TM." (nhà nước) CHỈ cho tập thể (cấp ủy,
--              ban thường vụ, ủy ban nhân dân); một ban ký "TRƯỞNG BAN" hoặc "K/T TRƯỞNG BAN"
--   chuc_danh  chức danh người ký; cap_duoi: cách viết "ký thay" ("K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN")
--   dia_danh   địa danh ghi trước ngày tháng
--   vp         tên trong dòng lưu ("Lưu Văn phòng Ban.")
--   thi_hanh   nội dung Điều 3 (người thi hành)
--   kinh_gui   cấp trên nhận tờ trình đề nghị ("Kính gửi: ..."; báo cáo to-trinh)
--   noi_nhan   nơi nhận mặc định; {BAN_TU} = ban của tỉnh ủy theo ngày (BAN_TINH_UY.full),
--              {BAN_TW} = ban trung ương theo ngày (BAN_TRUNG_UONG), {LUU} = dòng lưu của họ
--              văn bản (HO.luu): cơ quan đã hợp nhất không còn trên quyết định sau ngày hợp nhất
-- Loại đơn vị (units.kind): province (đợt xét toàn tỉnh), district, commune, party-committee,
-- agency, mass-organisation.
M.CO_QUAN = {
  party = {
    province = {
      { cap_tren = "TỈNH ỦY {TINH}", co_quan = "{BAN}", tham_quyen = "{BAN} TỈNH ỦY {TINH}",
        ten = "{Ban} {Tinh}", ky_hieu = "{BAN_KH}", thay_mat = "", chuc_danh = "TRƯỞNG BAN",
        ky_thay = "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", dia_danh = "{Tinh}", vp = "Ban",
        loai = "ban",
        thi_hanh = "Các phòng, đơn vị thuộc {Ten}, {CAP_DUOI}, đảng ủy trực thuộc Tỉnh ủy và các tập "
          .. "thể, cá nhân có tên tại Điều 1 căn cứ Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);", "{BAN_TW} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TW}",
        nguon = "DOMAIN.md: \"TỈNH ỦY QUẢNG NGÃI / BAN TUYÊN GIÁO VÀ DÂN VẬN\"; một ban ký "
          .. "TRƯỞNG BAN hoặc K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN, không T/M" },
    },
    district = {
      { den = "2025-06-30",
        cap_tren = "{UY} {RIENG}", co_quan = "BAN DÂN VẬN", tham_quyen = "BAN DÂN VẬN {UY} {RIENG}",
        ten = "Ban Dân vận {Uy} {Rieng}", ky_hieu = "BDVHU", thay_mat = "",
        chuc_danh = "TRƯỞNG BAN", ky_thay = "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        dia_danh = "{Rieng}", vp = "Ban", loai = "ban", chua_doi_chieu = true,
        thi_hanh = "Các cơ quan, đơn vị thuộc {Ten} và các tập thể, cá nhân có tên tại Điều 1 căn cứ "
          .. "Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "Thường trực {Uy} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TU} {Tinh}",
        nguon = "cùng quy tắc với ban của tỉnh ủy (DOMAIN.md); ký hiệu BDVHU là mặc định dvk; "
          .. "cấp huyện hết từ 01/7/2025 (203/2025/QH15)" },
    },
    commune = {
      { cap_tren = "ĐẢNG BỘ TỈNH {TINH}", co_quan = "ĐẢNG ỦY {DV}", tham_quyen = "ĐẢNG ỦY {DV}",
        ten = "Đảng ủy {dv}", ky_hieu = "ĐU", thay_mat = "T/M ĐẢNG ỦY", chuc_danh = "BÍ THƯ",
        ky_thay = "PHÓ BÍ THƯ", dia_danh = "{Rieng}", vp = "Đảng ủy", loai = "cap-uy",
        thi_hanh = "Các chi bộ, tổ chức đảng trực thuộc {Ten} và các tập thể, cá nhân có tên tại Điều 1 "
          .. "căn cứ Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TU} {Tinh}",
        nguon = "DOMAIN.md: \"ĐẢNG BỘ TỈNH LÂM ĐỒNG / ĐẢNG ỦY ĐẶC KHU PHÚ QUÝ\" (05-HD); đảng ủy "
          .. "xã công nhận mô hình cấp mình (SGGP 17/10/2025); ký hiệu ĐU là mặc định dvk" },
    },
    ["party-committee"] = {
      { cap_tren = "ĐẢNG BỘ TỈNH {TINH}", co_quan = "{DU}", tham_quyen = "{DU}",
        ten = "{Du}", ky_hieu = "ĐU", thay_mat = "T/M ĐẢNG ỦY", chuc_danh = "BÍ THƯ",
        ky_thay = "PHÓ BÍ THƯ", dia_danh = "{Tinh}", vp = "Đảng ủy", loai = "cap-uy",
        chua_doi_chieu = true,
        thi_hanh = "Các chi bộ, tổ chức đảng trực thuộc {Ten} và các tập thể, cá nhân có tên tại Điều 1 "
          .. "căn cứ Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TU} {Tinh}",
        nguon = "cùng quy tắc với đảng ủy xã (DOMAIN.md); ký hiệu ĐU là mặc định dvk" },
    },
    agency = {
      { cap_tren = "ĐẢNG BỘ TỈNH {TINH}", co_quan = "ĐẢNG ỦY {DV}", tham_quyen = "ĐẢNG ỦY {DV}",
        ten = "Đảng ủy {Dv}", ky_hieu = "ĐU", thay_mat = "T/M ĐẢNG ỦY", chuc_danh = "BÍ THƯ",
        ky_thay = "PHÓ BÍ THƯ", dia_danh = "{Tinh}", vp = "Đảng ủy", loai = "cap-uy",
        chua_doi_chieu = true,
        thi_hanh = "Các chi bộ, tổ chức đảng trực thuộc {Ten} và các tập thể, cá nhân có tên tại Điều 1 "
          .. "căn cứ Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TU} {Tinh}",
        nguon = "đảng ủy của cơ quan ban hành quyết định của cơ quan (issue 13); mặc định dvk" },
    },
    ["mass-organisation"] = {
      { cap_tren = "ĐẢNG BỘ TỈNH {TINH}", co_quan = "ĐẢNG ỦY {DV}", tham_quyen = "ĐẢNG ỦY {DV}",
        ten = "Đảng ủy {Dv}", ky_hieu = "ĐU", thay_mat = "T/M ĐẢNG ỦY", chuc_danh = "BÍ THƯ",
        ky_thay = "PHÓ BÍ THƯ", dia_danh = "{Tinh}", vp = "Đảng ủy", loai = "cap-uy",
        chua_doi_chieu = true,
        thi_hanh = "Các chi bộ, tổ chức đảng trực thuộc {Ten} và các tập thể, cá nhân có tên tại Điều 1 "
          .. "căn cứ Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TU} {Tinh}",
        nguon = "như agency; mặc định dvk" },
    },
  },
  state = {
    -- Quyết định của Chủ tịch UBND: dòng thẩm quyền ghi "CHỦ TỊCH ỦY BAN NHÂN DÂN ...", ký
    -- "CHỦ TỊCH" hoặc "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Nghị định 30/2020, Điều 13; Bằng khen của
    -- Chủ tịch UBND tỉnh: QĐ 163/QĐ-UBND của Lạng Sơn).
    province = {
      { co_quan = "ỦY BAN NHÂN DÂN\nTỈNH {TINH}", cap_tren = "",
        tham_quyen = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {TINH}", ten = "Chủ tịch Ủy ban nhân dân tỉnh {Tinh}",
        ky_hieu = "UBND", thay_mat = "", chuc_danh = "CHỦ TỊCH", ky_thay = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        dia_danh = "{Tinh}", vp = "VT", loai = "chu-tich",
        thi_hanh = "Chánh Văn phòng Ủy ban nhân dân tỉnh {Tinh}, Thủ trưởng các cơ quan, đơn vị liên quan, "
          .. "{CAP_DUOI} và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết "
          .. "định này.",
        noi_nhan = { "Như Điều 3;", "Thường trực Tỉnh ủy (b/c);", "{BAN_TU};", "{LUU}" },
        kinh_gui = "{BAN_TW}",
        nguon = "Nghị định 30/2020/NĐ-CP, Điều 13; DOMAIN.md (Decisions and documents)" },
    },
    district = {
      { den = "2025-06-30", co_quan = "ỦY BAN NHÂN DÂN\n{DV}", cap_tren = "",
        tham_quyen = "CHỦ TỊCH ỦY BAN NHÂN DÂN {DV}", ten = "Chủ tịch Ủy ban nhân dân {dv}",
        ky_hieu = "UBND", thay_mat = "", chuc_danh = "CHỦ TỊCH", ky_thay = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        dia_danh = "{Rieng}", vp = "VT", loai = "chu-tich",
        nguon = "Nghị định 30/2020/NĐ-CP, Điều 13; cấp huyện hết từ 01/7/2025",
        thi_hanh = "Chánh Văn phòng Ủy ban nhân dân {dv}, Thủ trưởng các cơ quan, đơn vị liên quan và các "
          .. "tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        noi_nhan = { "Như Điều 3;", "Ủy ban nhân dân tỉnh (b/c);", "Thường trực {Uy} (b/c);", "{LUU}" },
        kinh_gui = "Ủy ban nhân dân tỉnh {Tinh}" },
    },
    commune = {
      { co_quan = "ỦY BAN NHÂN DÂN\n{DV}", cap_tren = "",
        tham_quyen = "CHỦ TỊCH ỦY BAN NHÂN DÂN {DV}", ten = "Chủ tịch Ủy ban nhân dân {dv}",
        ky_hieu = "UBND", thay_mat = "", chuc_danh = "CHỦ TỊCH", ky_thay = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        dia_danh = "{Rieng}", vp = "VT", loai = "chu-tich",
        thi_hanh = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {dv}, các cơ quan, đơn vị liên quan và "
          .. "các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        noi_nhan = { "Như Điều 3;", "Thường trực Đảng ủy {dv} (b/c);", "{LUU}" },
        kinh_gui = "Ủy ban nhân dân tỉnh {Tinh}",
        chua_doi_chieu = true,
        nguon = "Nghị định 30/2020/NĐ-CP, Điều 13; Điều 3 và nơi nhận: mặc định dvk" },
    },
    agency = {
      { cap_tren = "ỦY BAN NHÂN DÂN TỈNH {TINH}", co_quan = "{DV}", tham_quyen = "GIÁM ĐỐC {DV}",
        ten = "Giám đốc {Dv}", ky_hieu = "{KH_DV}", thay_mat = "", chuc_danh = "GIÁM ĐỐC",
        ky_thay = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", dia_danh = "{Tinh}", vp = "VT", loai = "thu-truong",
        thi_hanh = "Trưởng các phòng, đơn vị thuộc {Dv} và các tập thể, cá nhân có tên tại Điều 1 chịu "
          .. "trách nhiệm thi hành Quyết định này.",
        noi_nhan = { "Như Điều 3;", "Ủy ban nhân dân tỉnh (b/c);", "{LUU}" },
        kinh_gui = "Ủy ban nhân dân tỉnh {Tinh}",
        chua_doi_chieu = true,
        nguon = "Nghị định 30/2020/NĐ-CP (cơ quan thuộc UBND tỉnh); chức danh GIÁM ĐỐC là mặc "
          .. "định dvk: tỉnh ghi chức danh của từng cơ quan trong decision.units" },
    },
    ["party-committee"] = {
      { cap_tren = "ĐẢNG BỘ TỈNH {TINH}", co_quan = "{DU}", tham_quyen = "{DU}", ten = "{Du}",
        ky_hieu = "ĐU", thay_mat = "T/M ĐẢNG ỦY", chuc_danh = "BÍ THƯ", ky_thay = "PHÓ BÍ THƯ",
        dia_danh = "{Tinh}", vp = "Đảng ủy", loai = "cap-uy", ho = "party",
        thi_hanh = "Các chi bộ, tổ chức đảng trực thuộc {Ten} và các tập thể, cá nhân có tên tại Điều 1 "
          .. "căn cứ Quyết định thi hành.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "{LUU}" },
        kinh_gui = "{BAN_TU} {Tinh}",
        chua_doi_chieu = true, nguon = "một đảng ủy luôn ban hành văn bản của Đảng; mặc định dvk" },
    },
    ["mass-organisation"] = {
      { cap_tren = "", co_quan = "{DV}", tham_quyen = "BAN THƯỜNG VỤ {DV}", ten = "{Dv}",
        ky_hieu = "{KH_DV}", thay_mat = "TM. BAN THƯỜNG VỤ", chuc_danh = "CHỦ TỊCH",
        ky_thay = "PHÓ CHỦ TỊCH", dia_danh = "{Tinh}", vp = "VT", loai = "tap-the",
        thi_hanh = "Các ban, đơn vị thuộc {Dv} và các tập thể, cá nhân có tên tại Điều 1 chịu trách "
          .. "nhiệm thi hành Quyết định này.",
        noi_nhan = { "Như Điều 3;", "{BAN_TU} (b/c);", "{LUU}" },
        kinh_gui = "Ủy ban nhân dân tỉnh {Tinh}",
        chua_doi_chieu = true, nguon = "mặc định dvk: tỉnh ghi trong decision.kinds" },
    },
  },
}

-- {CAP_DUOI} trong thi_hanh: các đơn vị cấp dưới theo ngày.
M.CAP_DUOI = {
  party = {
    { den = "2025-06-30", text = "ban dân vận các huyện ủy, thành ủy" },
    { tu = "2025-07-01", text = "đảng ủy các xã, phường, đặc khu",
      nguon = "chính quyền hai cấp từ 01/7/2025 (203/2025/QH15)" },
  },
  state = {
    { den = "2025-06-30", text = "Chủ tịch Ủy ban nhân dân các huyện, thành phố" },
    { tu = "2025-07-01", text = "Chủ tịch Ủy ban nhân dân các xã, phường, đặc khu",
      nguon = "chính quyền hai cấp từ 01/7/2025 (203/2025/QH15)" },
  },
}

return M
