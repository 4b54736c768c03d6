#!/usr/bin/env python3
"""units.py: the administrative units shipped with dvk (datasets/units/*.csv), as data.

Run it to (re)write datasets/units/; gen_models.py imports it for the unit codes.
Only facts from ../shared/DOMAIN.md and the official names of provinces, districts and the
communes used by the examples are encoded here; see datasets/README.md for what is a sample.

Codes are stable slugs: a province is "bac-kan"; a child is "<parent>/<slug>", where a city
(thành phố) gets "tp-", a town (thị xã) "tx-", and everything else the bare slug of its name.
The 2025 reorganisation (DOMAIN.md): Bắc Kạn merged into Thái Nguyên, Bình Thuận and Đắk Nông
into Lâm Đồng (Resolution 202/2025/QH15), and the district level ended on 1 July 2025
(Resolution 203/2025/QH15). Old units end on 2025-06-30 and point at the unit their figures
roll up into.
"""
import csv
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "units")

END = "2025-06-30"          # last day of the district level and of the merged provinces


def slug(name):
    """ASCII slug of a Vietnamese name: no diacritics, đ -> d, lower case, '-' between words."""
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    out, dash = [], False
    for c in s:
        if c.isalnum():
            out.append(c)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def district_slug(name):
    for prefix, short in (("Thành phố ", "tp-"), ("Thị xã ", "tx-"), ("Huyện ", "")):
        if name.startswith(prefix):
            return short + slug(name[len(prefix):])
    return slug(name)


def commune_slug(name):
    for prefix in ("Phường ", "Xã ", "Thị trấn "):
        if name.startswith(prefix):
            return slug(name[len(prefix):])
    return slug(name)


# Province rows in 00-tinh.csv: successors first so that every successor precedes its users.
PROVINCES = [
    # code, name, valid_to, successor
    ("thai-nguyen", "Tỉnh Thái Nguyên", "", ""),
    ("lam-dong", "Tỉnh Lâm Đồng", "", ""),
    ("nghe-an", "Tỉnh Nghệ An", "", ""),
    ("lang-son", "Tỉnh Lạng Sơn", "", ""),
    ("bac-kan", "Tỉnh Bắc Kạn", END, "thai-nguyen"),
    ("binh-thuan", "Tỉnh Bình Thuận", END, "lam-dong"),
    ("dak-nong", "Tỉnh Đắk Nông", END, "lam-dong"),
]
SUCCESSOR = {p[0]: (p[3] or p[0]) for p in PROVINCES}

# Per province: districts (with sample communes), then units directly under the provincial
# Party committee (party committees of the police, military, border guard, agencies block),
# then provincial agencies and mass organisations, each with optional children.
# (name, kind, children) where children are (name, kind) or (name, kind, slug).
D, C, P, A, M = "district", "commune", "party-committee", "agency", "mass-organisation"

TREE = {
    "bac-kan": [
        ("Thành phố Bắc Kạn", D, ["Phường Đức Xuân", "Phường Phùng Chí Kiên", "Phường Sông Cầu",
                                  "Phường Nguyễn Thị Minh Khai", "Phường Huyền Tụng",
                                  "Phường Xuất Hóa", "Xã Dương Quang", "Xã Nông Thượng"]),
        ("Huyện Ba Bể", D, ["Thị trấn Chợ Rã", "Xã Nam Mẫu", "Xã Khang Ninh", "Xã Cao Thượng",
                            "Xã Hà Hiệu", "Xã Thượng Giáo", "Xã Quảng Khê"]),
        ("Huyện Bạch Thông", D, ["Thị trấn Phủ Thông", "Xã Quang Thuận", "Xã Cẩm Giàng",
                                 "Xã Vi Hương", "Xã Sĩ Bình", "Xã Lục Bình"]),
        ("Huyện Chợ Đồn", D, ["Thị trấn Bằng Lũng", "Xã Ngọc Phái", "Xã Bằng Lãng",
                              "Xã Đại Sảo", "Xã Yên Thịnh", "Xã Nam Cường", "Xã Xuân Lạc"]),
        ("Huyện Chợ Mới", D, ["Thị trấn Đồng Tâm", "Xã Yên Đĩnh", "Xã Như Cố", "Xã Thanh Mai",
                              "Xã Nông Hạ", "Xã Quảng Chu"]),
        ("Huyện Na Rì", D, ["Thị trấn Yến Lạc", "Xã Kim Hỷ", "Xã Côn Minh", "Xã Văn Lang",
                            "Xã Lương Thượng", "Xã Cư Lễ"]),
        ("Huyện Ngân Sơn", D, ["Thị trấn Vân Tùng", "Thị trấn Nà Phặc", "Xã Thượng Quan",
                               "Xã Bằng Vân", "Xã Cốc Đán"]),
        ("Huyện Pác Nặm", D, ["Xã Bộc Bố", "Xã Nghiên Loan", "Xã Cao Tân", "Xã An Thắng",
                              "Xã Bằng Thành"]),
        ("Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh", P, [], "khoi-co-quan"),
        ("Đảng bộ Quân sự tỉnh", P, [], "quan-su-tinh"),
        ("Đảng bộ Công an tỉnh", P, [], "cong-an-tinh"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", M, [], "mttq-tinh"),
        ("Hội Nông dân tỉnh", M, [], "hoi-nong-dan-tinh"),
        ("Hội Liên hiệp Phụ nữ tỉnh", M, [], "hoi-phu-nu-tinh"),
        ("Tỉnh đoàn Bắc Kạn", M, [], "tinh-doan"),
        ("Sở Văn hóa, Thể thao và Du lịch", A, [], "so-van-hoa"),
        ("Sở Nội vụ", A, [], "so-noi-vu"),
    ],
    "binh-thuan": [
        # The 14 units directly under the provincial Party committee that recognise
        # district-level models (10 districts, towns and cities + 4 party committees).
        ("Thành phố Phan Thiết", D, ["Phường Phú Thủy", "Phường Đức Thắng", "Phường Mũi Né",
                                     "Phường Hàm Tiến", "Phường Phú Hài"]),
        ("Thị xã La Gi", D, ["Phường Phước Hội", "Phường Tân An", "Xã Tân Phước"]),
        ("Huyện Tuy Phong", D, ["Thị trấn Liên Hương", "Thị trấn Phan Rí Cửa", "Xã Chí Công"]),
        ("Huyện Bắc Bình", D, ["Thị trấn Chợ Lầu", "Xã Phan Thanh", "Xã Hòa Thắng"]),
        ("Huyện Hàm Thuận Bắc", D, ["Thị trấn Ma Lâm", "Xã Hàm Trí", "Xã La Dạ"]),
        ("Huyện Hàm Thuận Nam", D, ["Thị trấn Thuận Nam", "Xã Tân Lập", "Xã Hàm Minh"]),
        ("Huyện Hàm Tân", D, ["Thị trấn Tân Minh", "Xã Sơn Mỹ"]),
        ("Huyện Đức Linh", D, ["Thị trấn Võ Xu", "Thị trấn Đức Tài", "Xã Mê Pu",
                               "Xã Sùng Nhơn", "Xã Đa Kai", "Xã Nam Chính"]),
        ("Huyện Tánh Linh", D, ["Thị trấn Lạc Tánh", "Xã Đức Thuận"]),
        ("Huyện Phú Quý", D, ["Xã Long Hải", "Xã Ngũ Phụng", "Xã Tam Thanh"]),
        ("Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh", P,
         [("Đảng bộ Cục Thuế tỉnh", P, "cuc-thue"), ("Tỉnh đoàn Bình Thuận", M, "tinh-doan")],
         "khoi-co-quan"),
        ("Đảng bộ Quân sự tỉnh", P, [], "quan-su-tinh"),
        ("Đảng bộ Công an tỉnh", P, [], "cong-an-tinh"),
        ("Đảng bộ Bộ đội Biên phòng tỉnh", P, [], "bien-phong"),
    ],
    "thai-nguyen": [
        ("Thành phố Thái Nguyên", D, ["Phường Hoàng Văn Thụ", "Phường Phan Đình Phùng",
                                      "Phường Túc Duyên", "Xã Tân Cương"]),
        ("Thành phố Sông Công", D, ["Phường Mỏ Chè", "Xã Bá Xuyên"]),
        ("Thành phố Phổ Yên", D, ["Phường Ba Hàng", "Xã Thành Công"]),
        ("Huyện Định Hóa", D, ["Thị trấn Chợ Chu", "Xã Phú Đình", "Xã Điềm Mặc"]),
        ("Huyện Đại Từ", D, ["Thị trấn Hùng Sơn", "Xã La Bằng"]),
        ("Huyện Phú Lương", D, ["Thị trấn Đu", "Xã Yên Ninh"]),
        ("Huyện Đồng Hỷ", D, ["Thị trấn Trại Cau", "Xã Hóa Thượng"]),
        ("Huyện Võ Nhai", D, ["Thị trấn Đình Cả", "Xã Thần Sa"]),
        ("Huyện Phú Bình", D, ["Thị trấn Hương Sơn", "Xã Tân Đức"]),
        ("Đảng bộ Khối các cơ quan tỉnh", P, [], "khoi-co-quan"),
        ("Đảng bộ Khối doanh nghiệp tỉnh", P, [], "khoi-doanh-nghiep"),
        ("Đảng bộ Quân sự tỉnh", P, [], "quan-su-tinh"),
        ("Đảng bộ Công an tỉnh", P, [], "cong-an-tinh"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", M, [], "mttq-tinh"),
        ("Hội Nông dân tỉnh", M, [], "hoi-nong-dan-tinh"),
    ],
    "nghe-an": [
        ("Thành phố Vinh", D, ["Phường Hưng Dũng", "Phường Bến Thủy", "Phường Trường Thi",
                               "Phường Lê Mao", "Phường Quang Trung"]),
        ("Thị xã Cửa Lò", D, ["Phường Nghi Thủy", "Phường Nghi Hương"]),
        ("Thị xã Thái Hòa", D, ["Phường Hòa Hiếu"]),
        ("Thị xã Hoàng Mai", D, ["Phường Quỳnh Phương"]),
        ("Huyện Quỳnh Lưu", D, ["Xã Quỳnh Đôi", "Xã Quỳnh Thạch"]),
        ("Huyện Diễn Châu", D, ["Thị trấn Diễn Châu", "Xã Diễn Kỷ", "Xã Diễn Hải"]),
        ("Huyện Yên Thành", D, ["Xã Công Thành"]),
        ("Huyện Nghi Lộc", D, ["Thị trấn Quán Hành"]),
        ("Huyện Hưng Nguyên", D, ["Thị trấn Hưng Nguyên"]),
        ("Huyện Nam Đàn", D, ["Thị trấn Nam Đàn", "Xã Kim Liên", "Xã Xuân Hòa"]),
        ("Huyện Thanh Chương", D, ["Thị trấn Dùng"]),
        ("Huyện Đô Lương", D, ["Thị trấn Đô Lương", "Xã Đặng Sơn"]),
        ("Huyện Anh Sơn", D, ["Thị trấn Anh Sơn"]),
        ("Huyện Con Cuông", D, ["Thị trấn Con Cuông", "Xã Môn Sơn", "Xã Châu Khê"]),
        ("Huyện Tân Kỳ", D, ["Thị trấn Tân Kỳ"]),
        ("Huyện Nghĩa Đàn", D, ["Thị trấn Nghĩa Đàn"]),
        ("Huyện Quỳ Hợp", D, ["Thị trấn Quỳ Hợp"]),
        ("Huyện Quỳ Châu", D, ["Thị trấn Tân Lạc"]),
        ("Huyện Quế Phong", D, ["Thị trấn Kim Sơn", "Xã Tri Lễ"]),
        ("Huyện Tương Dương", D, ["Thị trấn Thạch Giám", "Xã Tam Quang"]),
        ("Huyện Kỳ Sơn", D, ["Thị trấn Mường Xén", "Xã Mỹ Lý", "Xã Na Ngoi"]),
        ("Đảng bộ Khối các cơ quan tỉnh", P, [], "khoi-co-quan"),
        ("Đảng bộ Khối doanh nghiệp tỉnh", P, [], "khoi-doanh-nghiep"),
        ("Đảng bộ Quân sự tỉnh", P, [], "quan-su-tinh"),
        ("Đảng bộ Công an tỉnh", P, [], "cong-an-tinh"),
        ("Đảng bộ Bộ đội Biên phòng tỉnh", P, [], "bien-phong"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", M, [], "mttq-tinh"),
        ("Hội Nông dân tỉnh", M, [], "hoi-nong-dan-tinh"),
        ("Hội Liên hiệp Phụ nữ tỉnh", M, [], "hoi-phu-nu-tinh"),
        ("Tỉnh đoàn Nghệ An", M, [], "tinh-doan"),
    ],
    "lang-son": [
        ("Thành phố Lạng Sơn", D, [
            "Phường Chi Lăng", "Phường Đông Kinh", "Phường Hoàng Văn Thụ", "Phường Tam Thanh",
            "Phường Vĩnh Trại", "Xã Hoàng Đồng", "Xã Mai Pha", "Xã Quảng Lạc",
            ("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", M, "mttq"),
            ("Hội Nông dân thành phố", M, "hoi-nong-dan"),
            ("Hội Liên hiệp Phụ nữ thành phố", M, "hoi-phu-nu"),
            ("Thành đoàn Lạng Sơn", M, "thanh-doan"),
            ("Hội Cựu chiến binh thành phố", M, "hoi-cuu-chien-binh"),
            ("Công an thành phố", A, "cong-an"),
            ("Ban Chỉ huy Quân sự thành phố", A, "quan-su")]),
        ("Huyện Tràng Định", D, []), ("Huyện Văn Lãng", D, []), ("Huyện Văn Quan", D, []),
        ("Huyện Bình Gia", D, []), ("Huyện Bắc Sơn", D, []), ("Huyện Hữu Lũng", D, []),
        ("Huyện Chi Lăng", D, []), ("Huyện Cao Lộc", D, []), ("Huyện Lộc Bình", D, []),
        ("Huyện Đình Lập", D, []),
        ("Đảng bộ Khối các cơ quan tỉnh", P, [], "khoi-co-quan"),
        ("Đảng bộ Quân sự tỉnh", P, [], "quan-su-tinh"),
        ("Đảng bộ Công an tỉnh", P, [], "cong-an-tinh"),
        ("Đảng bộ Bộ đội Biên phòng tỉnh", P, [], "bien-phong"),
    ],
}

# ------------------------------------------------------------------------------------------
# The two-level government from 1 July 2025 (Resolution 203/2025/QH15): communes, wards and
# special zones directly under the province, beside the province's agencies and mass
# organisations. Written to units/01-<province>-2025.csv, imported before the older units
# (which name these as successors).
#
# SYNTHETIC (our reconstruction, not the official list of the resolutions on the new
# communes): which old communes went into which new one, and the new communes' names, which
# we take from one of the merged communes or from the former district. Only "Đặc khu Phú Quý"
# (Lâm Đồng; the former island district of Phú Quý) is named in DOMAIN.md (05-HD example).
# A sample: the real provinces have many more communes (about 3,321 nationwide, DOMAIN.md).
START = "2025-07-01"        # first day of the two-level government

# province -> [(name, kind, slug or None, [old unit codes merged into it])]
NEW_2025 = {
    "thai-nguyen": [
        ("Phường Phan Đình Phùng", C, None, ["thai-nguyen/tp-thai-nguyen/phan-dinh-phung",
                                             "thai-nguyen/tp-thai-nguyen/hoang-van-thu",
                                             "thai-nguyen/tp-thai-nguyen/tuc-duyen"]),
        ("Xã Tân Cương", C, None, ["thai-nguyen/tp-thai-nguyen/tan-cuong"]),
        ("Phường Sông Công", C, None, ["thai-nguyen/tp-song-cong/mo-che",
                                       "thai-nguyen/tp-song-cong/ba-xuyen"]),
        ("Phường Phổ Yên", C, None, ["thai-nguyen/tp-pho-yen/ba-hang",
                                     "thai-nguyen/tp-pho-yen/thanh-cong"]),
        ("Xã Phú Đình", C, None, ["thai-nguyen/dinh-hoa/cho-chu", "thai-nguyen/dinh-hoa/phu-dinh",
                                  "thai-nguyen/dinh-hoa/diem-mac"]),
        ("Xã La Bằng", C, None, ["thai-nguyen/dai-tu/hung-son", "thai-nguyen/dai-tu/la-bang"]),
        ("Xã Yên Ninh", C, None, ["thai-nguyen/phu-luong/du", "thai-nguyen/phu-luong/yen-ninh"]),
        ("Xã Trại Cau", C, None, ["thai-nguyen/dong-hy/trai-cau",
                                  "thai-nguyen/dong-hy/hoa-thuong"]),
        ("Xã Thần Sa", C, None, ["thai-nguyen/vo-nhai/dinh-ca", "thai-nguyen/vo-nhai/than-sa"]),
        ("Xã Tân Đức", C, None, ["thai-nguyen/phu-binh/huong-son",
                                 "thai-nguyen/phu-binh/tan-duc"]),
        # Bắc Kạn's communes (Bắc Kạn merged into Thái Nguyên, Resolution 202/2025/QH15)
        ("Phường Đức Xuân", C, None, ["bac-kan/tp-bac-kan/duc-xuan",
                                      "bac-kan/tp-bac-kan/phung-chi-kien",
                                      "bac-kan/tp-bac-kan/song-cau",
                                      "bac-kan/tp-bac-kan/nguyen-thi-minh-khai"]),
        ("Phường Huyền Tụng", C, None, ["bac-kan/tp-bac-kan/huyen-tung",
                                        "bac-kan/tp-bac-kan/xuat-hoa",
                                        "bac-kan/tp-bac-kan/duong-quang",
                                        "bac-kan/tp-bac-kan/nong-thuong"]),
        ("Xã Ba Bể", C, None, ["bac-kan/ba-be/*"]),
        ("Xã Bạch Thông", C, None, ["bac-kan/bach-thong/*"]),
        ("Xã Chợ Đồn", C, None, ["bac-kan/cho-don/*"]),
        ("Xã Chợ Mới", C, None, ["bac-kan/cho-moi/*"]),
        ("Xã Na Rì", C, None, ["bac-kan/na-ri/*"]),
        ("Xã Ngân Sơn", C, None, ["bac-kan/ngan-son/*"]),
        ("Xã Pác Nặm", C, None, ["bac-kan/pac-nam/*"]),
    ],
    "lam-dong": [
        # The province's own units (existing before and after 2025; old Lâm Đồng's districts
        # are not modelled), which Bình Thuận's party committees merged into.
        ("Đảng bộ Quân sự tỉnh", P, "quan-su-tinh", ["binh-thuan/quan-su-tinh"]),
        ("Đảng bộ Công an tỉnh", P, "cong-an-tinh", ["binh-thuan/cong-an-tinh"]),
        ("Đảng bộ Bộ đội Biên phòng tỉnh", P, "bien-phong", ["binh-thuan/bien-phong"]),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", M, "mttq-tinh", []),
        ("Tỉnh đoàn Lâm Đồng", M, "tinh-doan", ["binh-thuan/khoi-co-quan/tinh-doan"]),
        # New communes (Bình Thuận and Đắk Nông merged into Lâm Đồng, 202/2025/QH15)
        ("Phường Phan Thiết", C, None, ["binh-thuan/tp-phan-thiet/phu-thuy",
                                        "binh-thuan/tp-phan-thiet/duc-thang"]),
        ("Phường Mũi Né", C, None, ["binh-thuan/tp-phan-thiet/mui-ne",
                                    "binh-thuan/tp-phan-thiet/ham-tien",
                                    "binh-thuan/tp-phan-thiet/phu-hai"]),
        ("Phường La Gi", C, None, ["binh-thuan/tx-la-gi/*"]),
        ("Xã Liên Hương", C, None, ["binh-thuan/tuy-phong/*"]),
        ("Xã Chợ Lầu", C, None, ["binh-thuan/bac-binh/*"]),
        ("Xã Hàm Thuận", C, None, ["binh-thuan/ham-thuan-bac/*"]),
        ("Xã Hàm Thuận Nam", C, None, ["binh-thuan/ham-thuan-nam/*"]),
        ("Xã Sơn Mỹ", C, None, ["binh-thuan/ham-tan/*"]),
        ("Xã Đức Linh", C, None, ["binh-thuan/duc-linh/*"]),
        ("Xã Tánh Linh", C, None, ["binh-thuan/tanh-linh/*"]),
        # Named in DOMAIN.md (Đảng ủy Đặc khu Phú Quý, Lâm Đồng): the former district
        ("Đặc khu Phú Quý", C, "phu-quy", ["binh-thuan/phu-quy", "binh-thuan/phu-quy/*"]),
        # Old Lâm Đồng and Đắk Nông (not modelled before 2025; names synthetic)
        ("Phường Xuân Hương – Đà Lạt", C, "xuan-huong-da-lat", []),
        ("Phường Bắc Gia Nghĩa", C, None, []),
    ],
}


def rows_2025(province):
    """Rows of units/01-<province>-2025.csv."""
    out = []
    for name, kind, sl, _ in NEW_2025[province]:
        code = province + "/" + (sl or commune_slug(name))
        out.append([code, name, kind, province, START if kind == C else "", "", ""])
    return out


def successors_2025():
    """{old unit code: new unit code} from NEW_2025 ("<district>/*": its communes)."""
    old = {}
    for prov in TREE:
        for r in rows_for_tree(prov):
            old[r[0]] = r
    out = {}
    for province, entries in NEW_2025.items():
        for name, kind, sl, olds in entries:
            code = province + "/" + (sl or commune_slug(name))
            for o in olds:
                if o.endswith("/*"):
                    parent = o[:-2]
                    match = [c for c, r in old.items() if r[3] == parent]
                else:
                    match = [o]
                for c in match:
                    assert c in old, c
                    assert c not in out, c
                    out[c] = code
    return out


HEADER = ["code", "name", "kind", "parent", "valid_from", "valid_to", "successor"]


def rows_for(province):
    """Rows of one province's file (without the province row), parents before children;
    a unit merged into a unit of 2025 (NEW_2025) points at it."""
    succ = successors_2025()
    out = []
    for r in rows_for_tree(province):
        if r[0] in succ:
            r = r[:6] + [succ[r[0]]]
        out.append(r)
    return out


def rows_for_tree(province):
    """Rows of one province's file as TREE gives them (successor: the province)."""
    merged = SUCCESSOR[province] != province
    succ = SUCCESSOR[province]
    out = []
    for entry in TREE[province]:
        name, kind, children = entry[0], entry[1], entry[2]
        code = province + "/" + (entry[3] if len(entry) > 3 else district_slug(name))
        # Districts end with the district level; every unit of a merged province ends with it.
        ends = kind == D or merged
        out.append([code, name, kind, province, "", END if ends else "", succ if ends else ""])
        for ch in children:
            if isinstance(ch, tuple):
                cname, ckind, cslug = ch
            else:
                cname, ckind, cslug = ch, C, commune_slug(ch)
            # Children of a district end with it (the new communes of 1 July 2025 are not
            # modelled; their figures roll up into the province).
            cends = ends
            out.append([code + "/" + cslug, cname, ckind, code, "", END if cends else "",
                        succ if cends else ""])
    return out


def all_units():
    """Every unit row: {code: (name, kind, parent)} in file order."""
    units = {}
    for code, name, _, _ in PROVINCES:
        units[code] = (name, "province", "")
    for prov in NEW_2025:
        for r in rows_2025(prov):
            units[r[0]] = (r[1], r[2], r[3])
    for prov in TREE:
        for r in rows_for(prov):
            units[r[0]] = (r[1], r[2], r[3])
    return units


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([unicodedata.normalize("NFC", str(x)) for x in r])


def main():
    os.makedirs(OUT, exist_ok=True)
    write_csv(os.path.join(OUT, "00-tinh.csv"), HEADER,
              [[c, n, "province", "", "", vt, s] for c, n, vt, s in PROVINCES])
    for prov in TREE:
        rows = rows_for(prov)
        codes = [r[0] for r in rows]
        if len(codes) != len(set(codes)):
            sys.exit("duplicate unit code in " + prov)
        write_csv(os.path.join(OUT, prov + ".csv"), HEADER, rows)
    codes = set()
    for prov in NEW_2025:
        rows = rows_2025(prov)
        write_csv(os.path.join(OUT, "01-%s-2025.csv" % prov), HEADER, rows)
        codes |= {r[0] for r in rows}
    for prov in TREE:
        clash = codes & {r[0] for r in rows_for(prov)}
        if clash:
            sys.exit("unit code of 2025 used before: %s" % sorted(clash))
    direct = [r for r in rows_for("binh-thuan") if r[3] == "binh-thuan"]
    assert len(direct) == 14 and "binh-thuan/duc-linh" in [r[0] for r in direct]


if __name__ == "__main__":
    main()
