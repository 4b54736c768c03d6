#!/usr/bin/env python3
"""gen_models.py: writes datasets/models/*.csv and datasets/appraisals/*.csv.

Deterministic (fixed seeds, stdlib only): running it twice gives byte-identical files.

The real named models from ../shared/DOMAIN.md come first in each file with synthetic=0
(their names, units and fields are published; their dates, metrics and council scores are
not, and are filled in here, except the published figures of the Lạng Sơn Front's model).
Every other row is synthetic=1.

Calibration by construction: for each synthetic model the generator first decides the
outcome it is meant to get (so that the counts add up to the published figures), then sets
its metrics, start date and council scores so that the PROVINCE SCRIPT's criteria put its
total well inside that outcome's band (at least 2 points from every threshold), or so that
it fails a named gate. The scoring below mirrors scripts/lib/chung.lua and scripts/provinces/*.lua;
the figures are produced by `dvk decide` running those scripts, never stored here.
Every generated model is re-scored with the mirror and the generator stops if one falls
outside its band.

Usage: python3 datasets/tools/gen_models.py   (writes into datasets/)
"""
import csv
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import units as U  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
UNITS = U.all_units()

# ------------------------------------------------------------------------------------------
# Mirror of the scoring (scripts/lib/chung.lua)

RANGES = {
    "beneficiaries": {"co-so": (20, 300), "huyen": (100, 1500), "tinh": (500, 5000)},
    "participants": {"co-so": (10, 150), "huyen": (50, 600), "tinh": (200, 2500)},
    "nhan_rong": {"co-so": (0, 5), "huyen": (0, 10), "tinh": (0, 20)},
    "vu_viec": {"co-so": (0, 10), "huyen": (0, 10), "tinh": (0, 10)},
}
MONTHS = (12, 60)


def round2(x):
    return float(int(abs(x) * 100 + 0.5 + 1e-9)) / 100 * (1 if x >= 0 else -1)


def scale(x, lo, hi):
    r = (x - lo) / (hi - lo)
    return 0.0 if r < 0 else 1.0 if r > 1 else r


def months(d1, d2):
    y1, m1, a1 = (int(x) for x in d1.split("-"))
    y2, m2, a2 = (int(x) for x in d2.split("-"))
    n = (y2 - y1) * 12 + (m2 - m1)
    if n > 0 and a2 < a1:
        n -= 1
    elif n < 0 and a2 > a1:
        n += 1
    return n


# A criterion: (id, max, how, metric-or-None, applies(kind) or None)
#   how: "metric" (max*scale(metric)), "council" (mean appraisal), "months"
DEFAULT = [
    ("hieu-qua", 30, "metric", "beneficiaries", None),
    ("lan-toa", 20, "metric", "participants", None),
    ("ben-vung", 20, "months", None, None),
    ("kho-khan", 15, "council", None, None),
    ("sang-tao", 15, "council", None, None),
]
NGHE_AN = [
    ("hieu-qua", 30, "metric", "beneficiaries", None),
    ("lan-toa", 20, "metric", "nhan_rong", None),
    ("ben-vung", 20, "months", None, None),
    ("kho-khan", 15, "council", None, None),
    ("sang-tao", 15, "council", None, None),
]
TT = ("tap-the",)
CN = ("ca-nhan", "ho-gia-dinh")
LANG_SON = [
    ("tt-sang-tao", 15, "council", None, TT),
    ("tt-ket-qua", 30, "metric", "beneficiaries", TT),
    ("tt-huy-dong", 20, "metric", "participants", TT),
    ("tt-hai-hoa", 15, "council", None, TT),
    ("tt-ben-vung", 20, "months", None, TT),
    ("cn-guong-mau", 20, "council", None, CN),
    ("cn-sang-kien", 15, "council", None, CN),
    ("cn-giai-quyet", 15, "metric", "vu_viec", CN),
    ("cn-phuc-vu", 30, "metric", "beneficiaries", CN),
    ("cn-kien-tri", 20, "months", None, CN),
]
CRITERIA = {"bac-kan": DEFAULT, "binh-thuan": DEFAULT, "thai-nguyen": DEFAULT,
            "nghe-an": NGHE_AN, "lang-son": LANG_SON, "lam-dong": DEFAULT}


def crits_for(province, kind):
    return [c for c in CRITERIA[province] if c[4] is None or kind in c[4]]


def cutoff(year):
    return "%d-12-31" % year


def score(province, m, level, year):
    """Total of model m evaluated at level in year, exactly as the script computes it."""
    total = 0.0
    for cid, mx, how, metric, _ in crits_for(province, m["kind"]):
        if how == "metric":
            v = m["metrics"].get(metric)
            p = 0.0 if v is None else round2(mx * scale(v, *RANGES[metric][level]))
        elif how == "months":
            p = round2(mx * scale(months(m["started_on"], cutoff(year)), *MONTHS))
        else:
            s = m["scores"].get(cid)
            p = 0.0 if not s else round2(sum(s) / len(s))
        total += p
    return round2(total)


# ------------------------------------------------------------------------------------------
# Realising a target total

BANDS = {"top": (88, 97), "rec": (73, 82), "mid": (53, 66), "low": (25, 62),
         "bad": (22, 46)}


def solve_base(crits, target, noise, fixed):
    """Base fraction b so that sum(max * clamp(b + noise)) over free criteria + fixed = target."""
    def total(b):
        t = 0.0
        for (cid, mx, _, _, _), n in zip(crits, noise):
            f = fixed.get(cid)
            t += mx * (f if f is not None else min(1.0, max(0.0, b + n)))
        return t
    lo, hi = -1.0, 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if total(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def add_months(year, month, delta):
    idx = year * 12 + (month - 1) + delta
    return idx // 12, idx % 12 + 1


def realise(rng, province, m, level, year, fractions):
    """Set m's metrics, started_on and council scores from per-criterion fractions."""
    for cid, mx, how, metric, _ in crits_for(province, m["kind"]):
        f = fractions[cid]
        if how == "metric":
            lo, hi = RANGES[metric][level]
            if f <= 0:
                v = lo * rng.uniform(0.3, 1.0)
            elif f >= 1:
                v = hi * rng.uniform(1.0, 1.3)
            else:
                v = lo + f * (hi - lo)
            m["metrics"][metric] = int(round(v))
        elif how == "months":
            n = int(round(MONTHS[0] + f * (MONTHS[1] - MONTHS[0])))
            if f >= 1:
                n += rng.randint(0, 24)
            y, mo = add_months(year, 12, -n)
            m["started_on"] = "%04d-%02d-01" % (y, mo)
        else:
            s = round(f * mx * 2) / 2
            s = min(mx, max(0.0, s))
            d = 0.5 if 0.5 <= s <= mx - 0.5 else 0.0
            m["scores"][cid] = [s, s + d, s - d]


def calibrate(rng, province, m, targets, strategy_level, year, fixed_ranges=None):
    """Give m values so that score(level) lies in targets[level] (a band) for every level."""
    crits = crits_for(province, m["kind"])
    for _ in range(400):
        lo, hi = targets[strategy_level]
        t = rng.uniform(lo + 1, hi - 1)
        fixed = {}
        for cid, (a, b) in (fixed_ranges or {}).items():
            if any(c[0] == cid for c in crits):
                fixed[cid] = rng.uniform(a, b)
        noise = [rng.uniform(-0.15, 0.15) for _ in crits]
        b = solve_base(crits, t, noise, fixed)
        fr = {}
        for (cid, _, _, _, _), n in zip(crits, noise):
            fr[cid] = fixed[cid] if cid in fixed else min(1.0, max(0.0, b + n))
        m["metrics"] = {k: v for k, v in m["metrics"].items()
                        if k in KEEP or k in KEEP_UNSCORED.get(province, ())}
        m["scores"] = {}
        realise(rng, province, m, strategy_level, year, fr)
        if all(targets[lv][0] <= score(province, m, lv, year) <= targets[lv][1]
               for lv in targets):
            return
    raise SystemExit("cannot calibrate %s for %s" % (m["code"], targets))


KEEP = ("funds_vnd", "workdays", "houses", "quy_vi_nguoi_ngheo_vnd", "gdvh_nam")
KEEP_UNSCORED = {"nghe-an": ("participants",)}


def fail_gate(rng, m, gate, year):
    """Make m fail the named gate (its scores stay whatever they are)."""
    if gate == "ten-dia-chi":
        m["address"] = ""
    elif gate == "thoi-gian":
        n = rng.randint(3, 10)
        y, mo = add_months(year, 12, -n)
        m["started_on"] = "%04d-%02d-01" % (y, mo)
    elif gate == "ro-nguoi-ro-viec":
        if rng.random() < 0.5:
            m["description"] = ""
        else:
            m["metrics"].pop("participants", None)
    elif gate == "gia-dinh-van-hoa":
        m["metrics"]["gdvh_nam"] = rng.randint(1, 2)
    else:
        raise ValueError(gate)
    m["gate"] = gate


# ------------------------------------------------------------------------------------------
# Names, places and descriptions

HO_BAC = ["Hoàng", "Nông", "Triệu", "Lý", "Ma", "Hà", "Lục", "Bế", "Đàm", "Nguyễn", "Lường",
          "Dương", "Mã", "Lộc", "Hứa", "Vi", "Chu", "Lăng", "Đinh", "Trần", "Lê"]
HO_CHUNG = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "Huỳnh", "Trương", "Đinh", "Lương", "Thái", "Hồ"]
DEM_NAM = ["Văn", "Đức", "Minh", "Quang", "Xuân", "Hữu", "Công", "Thanh", "Ngọc", "Đình"]
DEM_NU = ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Kim", "Hồng", "Minh"]
TEN_NAM = ["Thắng", "Hùng", "Dũng", "Cường", "Tuấn", "Hải", "Bình", "Long", "Sơn", "Thành",
           "Trung", "Phúc", "Quân", "Vinh", "Tài", "Lâm", "Khánh", "Nghĩa", "Toàn", "Hòa"]
TEN_NU = ["Lan", "Hoa", "Hương", "Mai", "Hạnh", "Thủy", "Nga", "Hằng", "Liên", "Dung", "Thảo",
          "Yến", "Loan", "Nhung", "Vân", "Hiền", "Tuyết", "Phượng"]


def person(rng, region):
    ho = rng.choice(HO_BAC if region == "bac" else HO_CHUNG)
    if rng.random() < 0.55:
        return "Ông", "%s %s %s" % (ho, rng.choice(DEM_NAM), rng.choice(TEN_NAM))
    return "Bà", "%s %s %s" % (ho, rng.choice(DEM_NU), rng.choice(TEN_NU))


# Collective model names by field: "{noi}" is a village or residential group.
TAP_THE = {
    "he-thong-chinh-tri": [
        "Chi bộ {noi} gắn bó với dân", "Tổ tự quản {noi} \"Ba không\"",
        "Dân vận khéo trong sinh hoạt chi bộ {noi}", "Hội viên phụ nữ {noi} giúp nhau làm kinh tế",
        "Đoàn viên thanh niên {noi} xung kích vì cộng đồng", "Cựu chiến binh {noi} gương mẫu",
        "Đảng viên phụ trách hộ gia đình ở {noi}", "Tiếp xúc, đối thoại với nhân dân {noi}"],
    "cai-cach-hanh-chinh": [
        "Bộ phận một cửa thân thiện", "Cán bộ \"Ba đến tận\" hỗ trợ dịch vụ công trực tuyến",
        "Tiếp công dân ngày thứ Bảy", "Trả kết quả thủ tục hành chính tại nhà",
        "\"Mỗi ngày một việc tốt\" của cán bộ, công chức", "Tổ công nghệ số cộng đồng {noi}",
        "Số hóa hồ sơ hộ tịch", "Lắng nghe và trả lời ý kiến của dân trong ngày"],
    "nong-thon-moi": [
        "Hiến đất mở rộng đường thôn {noi}", "Tuyến đường hoa, đèn chiếu sáng {noi}",
        "Bê tông hóa đường nội đồng {noi}", "Thôn {noi} sáng – xanh – sạch – đẹp",
        "Nhà văn hóa {noi} do dân góp công", "Phân loại rác thải tại nguồn ở {noi}",
        "Tổ hợp tác trồng rừng {noi}", "Chăn nuôi trâu, bò tập trung {noi}",
        "Trồng cây ăn quả liên kết tiêu thụ ở {noi}"],
    "van-hoa-du-lich": [
        "Du lịch cộng đồng {noi}", "Câu lạc bộ hát Then – đàn Tính {noi}",
        "Giữ gìn trang phục truyền thống ở {noi}", "Homestay nhà sàn {noi}",
        "Lễ hội Lồng tồng {noi}", "Đội văn nghệ dân tộc {noi}"],
    "kinh-te": [
        "Tổ hợp tác sản xuất ở {noi}", "Liên kết tiêu thụ nông sản {noi}",
        "Chuyển đổi cây trồng trên đất lúa kém hiệu quả {noi}", "Vốn vay xoay vòng giúp hộ nghèo {noi}",
        "Nuôi trồng thủy sản theo tổ ở {noi}", "Làng nghề truyền thống {noi}",
        "Phụ nữ khởi nghiệp ở {noi}", "Nông dân sản xuất kinh doanh giỏi {noi}"],
    "van-hoa-xa-hoi": [
        "Khu dân cư văn hóa {noi}", "Tủ sách cộng đồng {noi}", "Bữa cơm tình thương {noi}",
        "Nâng bước em tới trường ở {noi}", "Gia đình không có người nghiện ma túy {noi}",
        "Xóa nhà tạm cho hộ nghèo {noi}", "Câu lạc bộ dưỡng sinh {noi}",
        "Phòng, chống đuối nước cho trẻ em {noi}"],
    "quoc-phong-an-ninh": [
        "Tổ an ninh xung kích {noi}", "Camera an ninh do dân góp {noi}",
        "Khu dân cư an toàn về an ninh trật tự {noi}", "Tổ hòa giải ở cơ sở {noi}",
        "Tuần tra an ninh ban đêm ở {noi}", "Dân quân giúp dân ở {noi}",
        "Phòng, chống tội phạm ma túy ở {noi}", "Tiếng kẻng an ninh {noi}"],
}
CA_NHAN = {
    "he-thong-chinh-tri": ["Bí thư chi bộ gần dân, sát dân", "Trưởng thôn tận tụy",
                           "Chi hội trưởng phụ nữ vận động hội viên", "Đảng viên gương mẫu nơi cư trú"],
    "cai-cach-hanh-chinh": ["Công chức một cửa tận tụy", "Cán bộ hướng dẫn dịch vụ công tận nhà",
                            "Cán bộ tư pháp – hộ tịch nhiệt tình"],
    "nong-thon-moi": ["Người đi đầu hiến đất làm đường", "Nông dân sản xuất giỏi giúp hộ nghèo",
                      "Người vận động xóa nhà tạm", "Người góp công xây nhà văn hóa"],
    "van-hoa-du-lich": ["Nghệ nhân truyền dạy hát Then", "Người giữ nghề dệt thổ cẩm",
                        "Chủ homestay giữ nếp nhà sàn"],
    "kinh-te": ["Nông dân sản xuất kinh doanh giỏi", "Người giúp hộ nghèo vay vốn, giống",
                "Chủ trang trại tạo việc làm cho người dân"],
    "van-hoa-xa-hoi": ["Người nhận đỡ đầu học sinh nghèo", "Người có uy tín vận động bỏ hủ tục",
                       "Giáo viên vận động học sinh ra lớp", "Y tế thôn bản tận tụy"],
    "quoc-phong-an-ninh": ["Người có uy tín giữ yên thôn bản", "Tổ trưởng an ninh xung kích",
                           "Công an viên gần dân", "Người vận động giao nộp vũ khí, vật liệu nổ"],
}
HO = {
    "nong-thon-moi": ["Hộ gia đình hiến đất làm đường", "Hộ gia đình làm vườn mẫu"],
    "van-hoa-du-lich": ["Hộ gia đình làm du lịch cộng đồng", "Hộ gia đình giữ nếp nhà sàn"],
}
MO_TA = {
    "he-thong-chinh-tri": "Vận động cán bộ, đảng viên và nhân dân cùng tham gia xây dựng tổ chức cơ sở",
    "cai-cach-hanh-chinh": "Rút ngắn thời gian giải quyết thủ tục, hướng dẫn người dân làm dịch vụ công",
    "nong-thon-moi": "Vận động nhân dân góp đất, góp công, góp của xây dựng hạ tầng và cảnh quan",
    "van-hoa-du-lich": "Giữ gìn nếp nhà, lễ hội, trang phục và làn điệu dân tộc gắn với đón khách",
    "kinh-te": "Liên kết sản xuất, chia sẻ kỹ thuật và vốn để tăng thu nhập cho hộ tham gia",
    "van-hoa-xa-hoi": "Chăm lo người yếu thế, xây dựng nếp sống văn minh ở khu dân cư",
    "quoc-phong-an-ninh": "Vận động nhân dân tham gia giữ gìn an ninh trật tự, tố giác tội phạm",
}
NOI = {
    "bac": ["Nà Pài", "Bản Chiêng", "Khuổi Luông", "Pác Ngòi", "Nà Hin", "Cốc Phấy", "Bản Cám",
            "Nà Làng", "Khuổi Tẩu", "Phiêng Chỉ", "Bó Lù", "Nà Mòn", "Bản Mới", "Nặm Dất",
            "Tổng Nẻng", "Nà Ngần", "Khau Đấng", "Pò Lùng", "Nà Kiêng", "Bản Pjạc"],
    "lang-son": ["thôn Nà Chuông", "thôn Khòn Khuyên", "thôn Nà Pàn", "thôn Còn Quyền",
                 "thôn Nà Lầu", "thôn Khòn Pát", "thôn Pò Háng"],
    "nghe-an": ["xóm 1", "xóm 2", "xóm 3", "xóm 5", "xóm 7", "xóm Đông", "xóm Tây",
                "bản Huồi Tụ", "bản Na Cà", "bản Xốp Pu", "xóm Yên Phúc"],
    "binh-thuan": ["thôn 1", "thôn 2", "thôn 4", "làng chài", "thôn Lập Đức", "thôn Phú Sơn",
                   "thôn Hiệp Hòa"],
    "thai-nguyen": ["xóm Gốc Mít", "xóm Soi Mít", "xóm Tiến Thành", "xóm Làng Mới",
                    "xóm Đồng Kem", "xóm Bản Cái"],
}


URBAN = ["tổ 1", "tổ 3", "tổ 5", "tổ 7", "tổ 9", "tổ 12", "khối 2", "khối 4", "khối 6",
         "khu phố 1", "khu phố 3"]


def is_urban(unit_code):
    """A ward or township, or a city/town seen as a whole: streets, not villages."""
    name, kind, parent = UNITS[unit_code]
    if kind == "commune":
        return name.startswith(("Phường ", "Thị trấn "))
    if kind == "district":
        return name.startswith(("Thành phố ", "Thị xã "))
    return False


def region_of(province):
    return {"bac-kan": "bac", "thai-nguyen": "thai-nguyen", "lang-son": "lang-son",
            "nghe-an": "nghe-an", "binh-thuan": "binh-thuan", "lam-dong": "binh-thuan"}[province]


ADMIN = ("Phường ", "Xã ", "Thị trấn ", "Huyện ", "Thành phố ", "Thị xã ", "Tỉnh ")


def address_of(unit_code, noi):
    """"thôn X, xã Y, huyện Z, tỉnh T": administrative words in lower case after the first."""
    parts = []
    code = unit_code
    while code:
        name, kind, parent = UNITS[code]
        if noi and kind not in ("province", "district", "commune"):
            code = parent              # a place in the area, not at the organisation
            continue
        if parts or noi:
            for a in ADMIN:
                if name.startswith(a):
                    name = a.lower() + name[len(a):]
        parts.append(name)
        code = parent
    s = ", ".join(parts)
    if noi:
        s = noi[0].upper() + noi[1:] + ", " + s
    return s


def name_model(rng, province, unit, kind, field):
    region = region_of(province)
    noi = rng.choice(URBAN if is_urban(unit) else NOI[region])
    if kind == "tap-the":
        return rng.choice(TAP_THE[field]).format(noi=noi), noi
    if kind == "ho-gia-dinh":
        title, who = person(rng, "bac" if region in ("bac", "lang-son") else "chung")
        return "%s %s %s – %s" % (rng.choice(HO.get(field, ["Hộ gia đình"])), title.lower(),
                                   who, noi), noi
    title, who = person(rng, "bac" if region in ("bac", "lang-son") else "chung")
    return "%s %s – %s (%s)" % (title, who, rng.choice(CA_NHAN[field]), noi), noi


def new_model(rng, province, code, unit, kind, field, level, year, registration):
    name, noi = name_model(rng, province, unit, kind, field)
    m = {
        "code": code, "name": name, "unit": unit, "kind": kind,
        "category": "mo-hinh" if kind == "tap-the" else "dien-hinh",
        "field": field, "level": level, "year": year, "registration": registration,
        "started_on": "", "address": address_of(unit, noi),
        "description": MO_TA[field] + ".", "synthetic": 1, "metrics": {}, "scores": {},
        "gate": None,
    }
    extra_metrics(rng, m)
    return m


def extra_metrics(rng, m):
    """Descriptive metrics the scripts do not score (reports and stats show them)."""
    if m["kind"] == "tap-the" and rng.random() < 0.7:
        m["metrics"]["funds_vnd"] = rng.randint(2, 400) * 5_000_000
    if rng.random() < 0.6:
        m["metrics"]["workdays"] = rng.randint(20, 1500)


# ------------------------------------------------------------------------------------------
# Helpers for counts

def split(total, weights):
    """Largest-remainder split of total in proportion to weights (deterministic)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def outcome_list(n_top, n_rec, n_no):
    return ["top"] * n_top + ["rec"] * n_rec + ["no"] * n_no


def children(code, kinds=None):
    return [c for c, (_, k, p) in UNITS.items() if p == code and (kinds is None or k in kinds)]


def communes(province):
    out = []
    for d in children(province, ("district",)):
        out += children(d, ("commune",))
    return out


# ------------------------------------------------------------------------------------------
# Writers

BASE_COLS = ["code", "name", "unit", "kind", "category", "field", "level", "year",
             "registration", "started_on", "address", "description", "synthetic"]


def nfc(x):
    return unicodedata.normalize("NFC", str(x))


def write_models(path, models, metric_cols):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(BASE_COLS + metric_cols)
        for m in models:
            row = [m[c] for c in BASE_COLS]
            row += ["" if m["metrics"].get(k) is None else m["metrics"][k] for k in metric_cols]
            w.writerow([nfc(x) for x in row])


def fmt_score(s):
    return ("%d" % s) if s == int(s) else ("%.1f" % s)


def write_appraisals(path, models):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "criterion", "appraiser", "score", "note"])
        for m in models:
            for cid in sorted(m["scores"]):
                for i, s in enumerate(m["scores"][cid]):
                    w.writerow([m["code"], cid, "Thành viên hội đồng %d" % (i + 1), fmt_score(s),
                                "giả lập" if m["synthetic"] else
                                "giả lập (điểm chấm của mô hình có thật không được công bố)"])


# ------------------------------------------------------------------------------------------
# Bắc Kạn 2023: 2,537 registered, 1,280 recognised, 179 exemplary; by field.

BK_FIELDS = [  # field, registered, recognised, exemplary (exemplary split is ours)
    ("he-thong-chinh-tri", 309, 194, 27),
    ("cai-cach-hanh-chinh", 579, 249, 35),
    ("nong-thon-moi", 1600, 803, 112),
    ("van-hoa-du-lich", 49, 34, 5),
]
BK_LEVELS = [("co-so", 84.0), ("huyen", 14.5), ("tinh", 1.5)]
BK_KINDS = {
    "he-thong-chinh-tri": [("tap-the", 70), ("ca-nhan", 30)],
    "cai-cach-hanh-chinh": [("tap-the", 75), ("ca-nhan", 25)],
    "nong-thon-moi": [("tap-the", 55), ("ca-nhan", 25), ("ho-gia-dinh", 20)],
    "van-hoa-du-lich": [("tap-the", 60), ("ca-nhan", 15), ("ho-gia-dinh", 25)],
}
BK_TINH_UNITS = {
    "he-thong-chinh-tri": ["bac-kan/khoi-co-quan", "bac-kan/mttq-tinh", "bac-kan/hoi-nong-dan-tinh",
                           "bac-kan/hoi-phu-nu-tinh", "bac-kan/tinh-doan", "bac-kan/cong-an-tinh",
                           "bac-kan/quan-su-tinh"],
    "cai-cach-hanh-chinh": ["bac-kan/so-noi-vu", "bac-kan/khoi-co-quan", "bac-kan/cong-an-tinh"],
    "nong-thon-moi": ["bac-kan/mttq-tinh", "bac-kan/hoi-nong-dan-tinh", "bac-kan/hoi-phu-nu-tinh",
                      "bac-kan/tinh-doan"],
    "van-hoa-du-lich": ["bac-kan/so-van-hoa", "bac-kan/tinh-doan"],
}


def weighted(rng, pairs):
    r = rng.uniform(0, sum(w for _, w in pairs))
    for v, w in pairs:
        r -= w
        if r <= 0:
            return v
    return pairs[-1][0]


def gen_no(rng, province, m, level, year, gates, p_gate=0.25):
    """A model meant not to be recognised: a failed gate, or a low total."""
    if rng.random() < p_gate:
        calibrate(rng, province, m, {level: BANDS["low"]}, level, year)
        fail_gate(rng, m, rng.choice(gates), year)
    else:
        calibrate(rng, province, m, {level: BANDS["low"]}, level, year)


def gen_bac_kan():
    rng = random.Random("dvk/bac-kan/2023")
    year = 2023
    districts = children("bac-kan", ("district",))
    coms = communes("bac-kan")
    models = []
    seq = 0
    for field, n, rec, ex in BK_FIELDS:
        w = [x[1] for x in BK_LEVELS]
        ns, recs, exs = split(n, w), split(rec, w), split(ex, w)
        for (level, _), nl, rl, el in zip(BK_LEVELS, ns, recs, exs):
            assert el <= rl <= nl
            outs = outcome_list(el, rl - el, nl - rl)
            rng.shuffle(outs)
            for out in outs:
                seq += 1
                kind = weighted(rng, BK_KINDS[field])
                if level == "co-so":
                    unit = rng.choice(coms)
                elif level == "huyen":
                    unit = rng.choice(districts)
                else:
                    unit = rng.choice(BK_TINH_UNITS[field])
                m = new_model(rng, "bac-kan", "BK-2023-%04d" % seq, unit, kind, field, level,
                              year, "moi" if rng.random() < 0.55 else "tiep-tuc")
                m["want"] = out
                if out == "no":
                    gen_no(rng, "bac-kan", m, level, year, ["ten-dia-chi", "thoi-gian"])
                else:
                    calibrate(rng, "bac-kan", m, {level: BANDS[out]}, level, year)
                models.append(m)
    return models


# ------------------------------------------------------------------------------------------
# Bình Thuận 2023: 746 registered at district level in 14 units; 13 units (all but Đức Linh)
# recognise 155 and propose 39 (3 each); 22 recognised at province level.

BT_UNITS = [  # unit, registered, recognised (None: no decision), proposals scoring >= 85
    ("binh-thuan/tp-phan-thiet", 100, 17, 5),
    ("binh-thuan/tx-la-gi", 70, 13, 4),
    ("binh-thuan/tuy-phong", 63, 12, 3),
    ("binh-thuan/bac-binh", 70, 13, 4),
    ("binh-thuan/ham-thuan-bac", 76, 14, 5),
    ("binh-thuan/ham-thuan-nam", 62, 12, 3),
    ("binh-thuan/ham-tan", 45, 10, 4),
    ("binh-thuan/duc-linh", 52, None, 0),
    ("binh-thuan/tanh-linh", 50, 10, 3),
    ("binh-thuan/phu-quy", 24, 6, 3),
    ("binh-thuan/khoi-co-quan", 40, 12, 1),
    ("binh-thuan/khoi-co-quan/cuc-thue", 4, 1, 1),
    ("binh-thuan/khoi-co-quan/tinh-doan", 4, 1, 1),
    ("binh-thuan/quan-su-tinh", 30, 11, 3),
    ("binh-thuan/cong-an-tinh", 34, 13, 4),
    ("binh-thuan/bien-phong", 22, 10, 3),
]
# Of the three proposals of each unit, how many the province recognises (sum 22; the five
# named models are among them).
BT_TINH_PASS = {
    "binh-thuan/tp-phan-thiet": 2, "binh-thuan/tx-la-gi": 2, "binh-thuan/tuy-phong": 1,
    "binh-thuan/bac-binh": 2, "binh-thuan/ham-thuan-bac": 2, "binh-thuan/ham-thuan-nam": 1,
    "binh-thuan/ham-tan": 1, "binh-thuan/tanh-linh": 1, "binh-thuan/phu-quy": 1,
    "binh-thuan/khoi-co-quan": 0, "binh-thuan/khoi-co-quan/cuc-thue": 1,
    "binh-thuan/khoi-co-quan/tinh-doan": 1, "binh-thuan/quan-su-tinh": 2,
    "binh-thuan/cong-an-tinh": 3, "binh-thuan/bien-phong": 2,
}
REAL_DESC = {
    "Dân vận khéo ở vùng đồng bào dân tộc thiểu số":
        "Mô hình của Đảng bộ Công an tỉnh (nêu tên trong nguồn); mô tả chi tiết không được công bố.",
    "Lực lượng vũ trang tỉnh Bình Thuận tăng cường đoàn kết với dân tộc, tôn giáo":
        "Mô hình của Bộ Chỉ huy Quân sự tỉnh (nêu tên trong nguồn); mô tả chi tiết không được công bố.",
    "Nâng bước em tới trường – Con nuôi đồn Biên phòng":
        "Mô hình của Bộ đội Biên phòng tỉnh nhận đỡ đầu học sinh (nêu tên trong nguồn).",
    "Số hóa các di tích lịch sử, danh lam thắng cảnh tỉnh Bình Thuận":
        "Mô hình của chi đoàn thuộc Tỉnh đoàn (nêu tên trong nguồn).",
    "Vận động người nộp thuế kê khai trung thực giá chuyển nhượng bất động sản":
        "Mô hình của Đảng bộ Cục Thuế tỉnh: vận động người nộp thuế kê khai đúng giá chuyển "
        "nhượng bất động sản (nguồn mô tả nội dung; tên gọi là diễn đạt của dvk).",
    "Hợp tác xã hoa đào Bản Cao": "Hợp tác xã trồng hoa đào ở thôn Bản Cao, xã Quảng Lạc "
        "(nêu tên trong nguồn).",
    "Hợp tác xã rau an toàn Pò Đứa": "Hợp tác xã sản xuất rau an toàn ở Pò Đứa, xã Mai Pha "
        "(nêu tên trong nguồn).",
    "Tổ hợp tác chăn nuôi lợn phường Chi Lăng": "Tổ hợp tác chăn nuôi lợn ở phường Chi Lăng "
        "(nêu trong nguồn; tên gọi là diễn đạt của dvk).",
    "Mặt trận Tổ quốc thành phố chung sức xây dựng nông thôn mới":
        "Mặt trận thành phố vận động xây dựng nông thôn mới: gần 2 tỷ đồng, hơn 2.600 ngày công, "
        "hơn 893 triệu đồng ủng hộ Quỹ Vì người nghèo, 36 nhà Đại đoàn kết (số liệu của nguồn; "
        "tên gọi là diễn đạt của dvk).",
}
BT_REAL = [  # unit, field, name
    ("binh-thuan/cong-an-tinh", "quoc-phong-an-ninh",
     "Dân vận khéo ở vùng đồng bào dân tộc thiểu số"),
    ("binh-thuan/quan-su-tinh", "quoc-phong-an-ninh",
     "Lực lượng vũ trang tỉnh Bình Thuận tăng cường đoàn kết với dân tộc, tôn giáo"),
    ("binh-thuan/bien-phong", "van-hoa-xa-hoi",
     "Nâng bước em tới trường – Con nuôi đồn Biên phòng"),
    ("binh-thuan/khoi-co-quan/tinh-doan", "van-hoa-xa-hoi",
     "Số hóa các di tích lịch sử, danh lam thắng cảnh tỉnh Bình Thuận"),
    ("binh-thuan/khoi-co-quan/cuc-thue", "kinh-te",
     "Vận động người nộp thuế kê khai trung thực giá chuyển nhượng bất động sản"),
]
BT_FIELDS = [("kinh-te", 30), ("van-hoa-xa-hoi", 30), ("quoc-phong-an-ninh", 20),
             ("he-thong-chinh-tri", 20)]


def proposal(rng, province, m, passes, year, lower="huyen"):
    """A district-level (or, from 2025, grassroots: lower) model proposed upward: total >= 90
    at its own level (above every model the quota demotes), and at province level (larger
    scales) either recognised (>= 73) or not (<= 64)."""
    for _ in range(400):
        m["scores"] = {}
        if passes:
            b, p, lo, hi = rng.uniform(3300, 5200), rng.uniform(1500, 2700), 0.85, 1.0
        else:
            b, p, lo, hi = rng.uniform(1500, 1900), rng.uniform(600, 800), 0.8, 0.95
        fr = {c: rng.uniform(lo, hi) for c in ("ben-vung", "kho-khan", "sang-tao")}
        fr["hieu-qua"] = fr["lan-toa"] = 0.5          # placeholders, replaced below
        realise(rng, province, m, "tinh", year, fr)
        m["metrics"]["beneficiaries"] = int(round(b))
        m["metrics"]["participants"] = int(round(p))
        h, t = score(province, m, lower, year), score(province, m, "tinh", year)
        if h >= 90 and ((passes and t >= 73) or (not passes and t <= 64)):
            return
    raise SystemExit("cannot calibrate proposal " + m["code"])


def gen_binh_thuan():
    rng = random.Random("dvk/binh-thuan/2023")
    year = 2023
    models = []
    seq = 0
    real = {u: (f, nm) for u, f, nm in BT_REAL}
    for unit, n, rec, top in BT_UNITS:
        if rec is None:         # Đức Linh: registered, never decided
            outs = ["rec"] * 9 + ["top"] * 2 + ["no"] * (n - 11)
        else:
            # The unit's three proposals, the extra ">= 85" ones the quota demotes, the
            # other recognised ones and the rest.
            prop = min(3, top)
            outs = (["prop"] * prop + ["top"] * (top - prop) + ["rec"] * (rec - top)
                    + ["no"] * (n - rec))
        rng.shuffle(outs)
        if unit in real:        # the real model is one of the unit's proposals
            outs.remove("prop")
            outs.insert(0, "real")
        k = BT_TINH_PASS.get(unit, 0)
        for out in outs:
            seq += 1
            kind = weighted(rng, [("tap-the", 75), ("ca-nhan", 25)])
            field = weighted(rng, BT_FIELDS)
            if unit.endswith(("cong-an-tinh", "quan-su-tinh", "bien-phong")):
                field = weighted(rng, [("quoc-phong-an-ninh", 70), ("van-hoa-xa-hoi", 20),
                                       ("he-thong-chinh-tri", 10)])
            m = new_model(rng, "binh-thuan", "BT-2023-%04d" % seq, unit, kind, field, "huyen",
                          year, "moi" if rng.random() < 0.5 else "tiep-tuc")
            if out == "real":
                f, nm = real.pop(unit)
                m.update(name=nm, field=f, kind="tap-the", category="mo-hinh", synthetic=0,
                         registration="tiep-tuc", address=address_of(unit, ""),
                         description=REAL_DESC[nm])
                out = "prop"
            if out == "prop":
                m["want"] = "top"
                passes = k > 0
                k -= 1
                m["want_tinh"] = "rec" if passes else "no"
                proposal(rng, "binh-thuan", m, passes, year)
            elif out == "top":          # >= 85 but below the proposals: demoted by the quota
                m["want"] = "top"
                calibrate(rng, "binh-thuan", m, {"huyen": (86.5, 89.5)}, "huyen", year)
            elif out == "rec":
                m["want"] = "rec"
                calibrate(rng, "binh-thuan", m, {"huyen": BANDS["rec"]}, "huyen", year)
            else:
                m["want"] = "no"
                gen_no(rng, "binh-thuan", m, "huyen", year, ["ten-dia-chi", "thoi-gian"])
            models.append(m)
        assert k <= 0, (unit, k)
    assert not real, real
    # Real rows first in the file.
    models.sort(key=lambda m: (m["synthetic"], m["code"]))
    return models


# ------------------------------------------------------------------------------------------
# Lạng Sơn city 2017–2020: 129 models (83 collective, 46 individual; 44/23/42/20 by field);
# 46 recognised as advanced exemplars (27 collective, 19 individual).

LS_CELLS = [  # field, kind, models, recognised (split by field is ours)
    ("kinh-te", "tap-the", 30, 12), ("kinh-te", "ca-nhan", 14, 5),
    ("van-hoa-xa-hoi", "tap-the", 14, 5), ("van-hoa-xa-hoi", "ca-nhan", 9, 3),
    ("quoc-phong-an-ninh", "tap-the", 26, 6), ("quoc-phong-an-ninh", "ca-nhan", 16, 8),
    ("he-thong-chinh-tri", "tap-the", 13, 4), ("he-thong-chinh-tri", "ca-nhan", 7, 3),
]
LS_YEARS = [(2017, 28), (2018, 31), (2019, 34), (2020, 36)]
LS_CITY = "lang-son/tp-lang-son"
LS_REAL = [  # unit, field, year, name, metrics (published ones only where the source has them)
    (LS_CITY + "/quang-lac", "kinh-te", 2018, "Hợp tác xã hoa đào Bản Cao", {}),
    (LS_CITY + "/mai-pha", "kinh-te", 2019, "Hợp tác xã rau an toàn Pò Đứa", {}),
    (LS_CITY + "/chi-lang", "kinh-te", 2020, "Tổ hợp tác chăn nuôi lợn phường Chi Lăng", {}),
    (LS_CITY + "/mttq", "van-hoa-xa-hoi", 2020,
     "Mặt trận Tổ quốc thành phố chung sức xây dựng nông thôn mới",
     {"funds_vnd": 2_000_000_000, "workdays": 2600, "quy_vi_nguoi_ngheo_vnd": 893_000_000,
      "houses": 36}),
]
LS_UNITS = {
    "kinh-te": ["quang-lac", "mai-pha", "hoang-dong", "chi-lang", "tam-thanh", "hoi-nong-dan",
                "hoi-phu-nu"],
    "van-hoa-xa-hoi": ["dong-kinh", "hoang-van-thu", "vinh-trai", "tam-thanh", "mttq",
                       "hoi-phu-nu", "thanh-doan"],
    "quoc-phong-an-ninh": ["cong-an", "quan-su", "chi-lang", "dong-kinh", "hoang-van-thu",
                           "vinh-trai", "hoang-dong", "hoi-cuu-chien-binh"],
    "he-thong-chinh-tri": ["mttq", "hoi-nong-dan", "hoi-phu-nu", "thanh-doan",
                           "hoi-cuu-chien-binh", "tam-thanh", "mai-pha"],
}


def gen_lang_son():
    rng = random.Random("dvk/lang-son/2017-2020")
    slots = []
    for field, kind, n, rec in LS_CELLS:
        outs = ["rec"] * rec + ["no"] * (n - rec)
        for o in outs:
            slots.append((field, kind, o))
    # Real models take collective economy / culture slots that are recognised.
    real_slots = []
    for unit, field, year, name, metrics in LS_REAL:
        i = next(i for i, s in enumerate(slots) if s == (field, "tap-the", "rec"))
        slots.pop(i)
        real_slots.append((unit, field, year, name, metrics))
    rng.shuffle(slots)
    years = []
    for y, n in LS_YEARS:
        years += [y] * n
    # The real models' years are fixed: remove one slot of that year for each.
    for r in real_slots:
        years.remove(r[2])
    models = []
    seq = {y: 0 for y, _ in LS_YEARS}

    def code_for(y):
        seq[y] += 1
        return "LS-%d-%04d" % (y, seq[y])

    for unit, field, year, name, metrics in real_slots:
        m = new_model(rng, "lang-son", code_for(year), unit, "tap-the", field, "huyen", year,
                      "moi")
        m.update(name=name, synthetic=0, address=address_of(unit, ""),
                 description=REAL_DESC[name])
        m["metrics"] = {k: v for k, v in m["metrics"].items() if k not in metrics}
        m["metrics"].update(metrics)
        m["want"] = "rec"
        calibrate(rng, "lang-son", m, {"huyen": BANDS["rec"]}, "huyen", year)
        models.append(m)
    for (field, kind, out), year in zip(slots, years):
        unit = LS_CITY + "/" + rng.choice(LS_UNITS[field])
        m = new_model(rng, "lang-son", code_for(year), unit, kind, field, "huyen", year,
                      "moi" if rng.random() < 0.6 else "tiep-tuc")
        if kind == "ca-nhan":
            m["metrics"]["gdvh_nam"] = rng.randint(3, 10)
        m["want"] = out
        if out == "rec":
            calibrate(rng, "lang-son", m, {"huyen": BANDS["rec"]}, "huyen", year)
        else:
            r = rng.random()
            gates = ["ten-dia-chi", "thoi-gian"] + (["gia-dinh-van-hoa"] if kind == "ca-nhan"
                                                    else [])
            if r < 0.2:
                calibrate(rng, "lang-son", m, {"huyen": BANDS["low"]}, "huyen", year)
                fail_gate(rng, m, rng.choice(gates), year)
            elif r < 0.7:
                calibrate(rng, "lang-son", m, {"huyen": BANDS["mid"]}, "huyen", year)
            else:
                calibrate(rng, "lang-son", m, {"huyen": BANDS["bad"]}, "huyen", year)
        models.append(m)
    models.sort(key=lambda m: (m["synthetic"], m["year"], m["code"]))
    return models


# ------------------------------------------------------------------------------------------
# Nghệ An 2022 (registrations of the first quarter): 855 = 515 new + 340 continuing;
# 524 grassroots, 324 district, 7 province. No recognition figure is published: outcomes
# follow a plausible mix and are whatever the script gives.

NA_CELLS = [("co-so", "moi", 318), ("co-so", "tiep-tuc", 206), ("huyen", "moi", 194),
            ("huyen", "tiep-tuc", 130), ("tinh", "moi", 3), ("tinh", "tiep-tuc", 4)]
NA_FIELDS = [("kinh-te", 32), ("van-hoa-xa-hoi", 28), ("quoc-phong-an-ninh", 22),
             ("he-thong-chinh-tri", 18)]
NA_TINH_UNITS = ["nghe-an/mttq-tinh", "nghe-an/hoi-nong-dan-tinh", "nghe-an/hoi-phu-nu-tinh",
                 "nghe-an/tinh-doan"]


def gen_nghe_an():
    rng = random.Random("dvk/nghe-an/2022")
    year = 2022
    coms = communes("nghe-an")
    huyen_units = children("nghe-an", ("district", "party-committee"))
    models = []
    seq = 0
    for level, reg, n in NA_CELLS:
        for _ in range(n):
            seq += 1
            field = weighted(rng, NA_FIELDS)
            kind = weighted(rng, [("tap-the", 72), ("ca-nhan", 22), ("ho-gia-dinh", 6)])
            unit = (rng.choice(coms) if level == "co-so" else rng.choice(huyen_units)
                    if level == "huyen" else rng.choice(NA_TINH_UNITS))
            m = new_model(rng, "nghe-an", "NA-2022-%04d" % seq, unit, kind, field, level, year,
                          reg)
            out = weighted(rng, [("top", 12), ("rec", 43), ("no", 45)])
            lo, hi = RANGES["participants"][level]
            m["metrics"]["participants"] = rng.randint(lo, hi)
            m["want"] = out
            if out == "no":
                if reg == "moi" and rng.random() < 0.35:
                    # A new model started this year: not yet 12 months by the year-end review.
                    calibrate(rng, "nghe-an", m, {level: BANDS["low"]}, level, year)
                    fail_gate(rng, m, "thoi-gian", year)
                else:
                    gen_no(rng, "nghe-an", m, level, year, ["ten-dia-chi", "ro-nguoi-ro-viec"],
                           0.15)
            else:
                calibrate(rng, "nghe-an", m, {level: BANDS[out]}, level, year)
            models.append(m)
    return models


# ------------------------------------------------------------------------------------------
# Thái Nguyên 2023–2024: a small set (no published figure). 2023 models recognised at the
# grassroots or district level come back in 2024 as continuing registrations at the next
# level, so that the province-level condition on m.history has something to see.

def gen_thai_nguyen():
    rng = random.Random("dvk/thai-nguyen/2023-2024")
    coms = communes("thai-nguyen")
    huyen_units = children("thai-nguyen", ("district", "party-committee"))
    tinh_units = ["thai-nguyen/mttq-tinh", "thai-nguyen/hoi-nong-dan-tinh"]
    fields = [("kinh-te", 35), ("van-hoa-xa-hoi", 25), ("quoc-phong-an-ninh", 20),
              ("he-thong-chinh-tri", 20)]
    plan = [  # year, level, outcomes
        (2023, "co-so", ["top", "rec", "rec", "rec", "no", "no"]),
        (2023, "huyen", ["top", "rec", "rec", "no"]),
        (2024, "co-so", ["top", "top", "rec", "rec", "rec", "rec", "rec", "no", "no", "no",
                         "no", "rec", "top", "rec", "no", "rec"]),
        (2024, "huyen", ["top", "rec", "rec", "rec", "no", "no", "rec", "top", "no", "rec"]),
        (2024, "tinh", ["top", "rec", "rec", "no"]),
    ]
    models = []
    seq = {2023: 0, 2024: 0}
    tn_pass = {2024: 1}          # of the two 2024 district proposals, one passes at province
    for year, level, outs in plan:
        for out in outs:
            seq[year] += 1
            field = weighted(rng, fields)
            kind = weighted(rng, [("tap-the", 75), ("ca-nhan", 25)])
            unit = (rng.choice(coms) if level == "co-so" else rng.choice(huyen_units)
                    if level == "huyen" else rng.choice(tinh_units))
            m = new_model(rng, "thai-nguyen", "TN-%d-%04d" % (year, seq[year]), unit, kind,
                          field, level, year, "moi" if year == 2023 else
                          ("tiep-tuc" if level == "tinh" else "moi"))
            m["want"] = out
            if out == "no":
                gen_no(rng, "thai-nguyen", m, level, year, ["ten-dia-chi", "thoi-gian"])
            elif out == "top" and level == "huyen":
                passes = tn_pass.get(year, 0) > 0
                tn_pass[year] = tn_pass.get(year, 0) - 1
                m["want_tinh"] = "rec" if passes else "no"
                proposal(rng, "thai-nguyen", m, passes, year)
            else:
                calibrate(rng, "thai-nguyen", m, {level: BANDS[out]}, level, year)
            models.append(m)
    return models


# ------------------------------------------------------------------------------------------
# 2025 under the two-level government (no published figure: every row synthetic). Every
# commune, ward and special zone (directly under the province from 1 July 2025) and every
# provincial agency and mass organisation registers models at co-so and recognises its own;
# the best are proposed straight to the province (no district level from 2025), which also
# takes a few models registered at province level.

Y25_PLANS = [  # outcomes of one unit's co-so models, in turn
    ["top", "rec", "no"], ["rec", "rec", "no", "top"], ["rec", "no"], ["top", "rec", "rec"],
    ["rec", "no", "rec"],
]


def gen_2025(province, prefix, tinh_units, n_pass):
    rng = random.Random("dvk/%s/2025" % province)
    year = 2025
    new = {r[0] for r in U.rows_2025(province)}
    units = [c for c, (_, k, p) in UNITS.items() if p == province and
             (c in new or k in ("party-committee", "agency", "mass-organisation"))]
    fields = [("kinh-te", 35), ("van-hoa-xa-hoi", 25), ("quoc-phong-an-ninh", 20),
              ("he-thong-chinh-tri", 20)]
    models = []
    seq = 0
    passes = n_pass
    for i, unit in enumerate(sorted(units)):
        for out in Y25_PLANS[i % len(Y25_PLANS)]:
            seq += 1
            m = new_model(rng, province, "%s-2025-%04d" % (prefix, seq), unit,
                          weighted(rng, [("tap-the", 75), ("ca-nhan", 25)]),
                          weighted(rng, fields), "co-so", year,
                          weighted(rng, [("moi", 60), ("tiep-tuc", 40)]))
            m["want"] = out
            if out == "no":
                gen_no(rng, province, m, "co-so", year, ["ten-dia-chi", "thoi-gian"])
            elif out == "top":
                m["want_tinh"] = "rec" if passes > 0 else "no"
                proposal(rng, province, m, passes > 0, year, "co-so")
                passes -= 1
            else:
                calibrate(rng, province, m, {"co-so": BANDS["rec"]}, "co-so", year)
            models.append(m)
    for unit, out in tinh_units:
        seq += 1
        m = new_model(rng, province, "%s-2025-%04d" % (prefix, seq), unit, "tap-the",
                      weighted(rng, fields), "tinh", year, "tiep-tuc")
        m["want"] = out
        if out == "no":
            gen_no(rng, province, m, "tinh", year, ["ten-dia-chi", "thoi-gian"])
        else:
            calibrate(rng, province, m, {"tinh": BANDS[out]}, "tinh", year)
        models.append(m)
    return models


def gen_thai_nguyen_2025():
    return gen_2025("thai-nguyen", "TN", [("thai-nguyen/mttq-tinh", "top"),
                                          ("thai-nguyen/hoi-nong-dan-tinh", "rec")], 6)


def gen_lam_dong_2025():
    return gen_2025("lam-dong", "LD", [("lam-dong/mttq-tinh", "rec"),
                                       ("lam-dong/tinh-doan", "no")], 5)


# ------------------------------------------------------------------------------------------

def check(province, models):
    """Re-score every model with the mirror and check it lands where it was meant to."""
    for m in models:
        if m["gate"]:
            continue
        t = score(province, m, m["level"], m["year"])
        want = m["want"]
        if m.get("want_tinh"):
            tt = score(province, m, "tinh", m["year"])
            if (tt >= 72) != (m["want_tinh"] == "rec") or 64 < tt < 72:
                raise SystemExit("%s: province total %.2f" % (m["code"], tt))
        lo, hi = {"top": (85, 103), "rec": (70, 85), "no": (-2, 70)}[want]
        if not lo + 2 <= t < hi - 2:
            raise SystemExit("%s: total %.2f outside band %s" % (m["code"], t, want))


def main():
    sets = [
        ("bac-kan", "bac-kan-2023", gen_bac_kan(),
         ["participants", "beneficiaries", "funds_vnd", "workdays"]),
        ("binh-thuan", "binh-thuan-2023", gen_binh_thuan(),
         ["participants", "beneficiaries", "funds_vnd", "workdays"]),
        ("lang-son", "lang-son-2017-2020", gen_lang_son(),
         ["participants", "beneficiaries", "vu_viec", "gdvh_nam", "funds_vnd", "workdays",
          "houses", "quy_vi_nguoi_ngheo_vnd"]),
        ("nghe-an", "nghe-an-2022", gen_nghe_an(),
         ["participants", "beneficiaries", "nhan_rong", "funds_vnd", "workdays"]),
        ("thai-nguyen", "thai-nguyen-2023-2024", gen_thai_nguyen(),
         ["participants", "beneficiaries", "funds_vnd", "workdays"]),
        ("thai-nguyen", "thai-nguyen-2025", gen_thai_nguyen_2025(),
         ["participants", "beneficiaries", "funds_vnd", "workdays"]),
        ("lam-dong", "lam-dong-2025", gen_lam_dong_2025(),
         ["participants", "beneficiaries", "funds_vnd", "workdays"]),
    ]
    codes = set()
    for province, name, models, cols in sets:
        check(province, models)
        for m in models:
            if m["code"] in codes:
                raise SystemExit("duplicate code " + m["code"])
            codes.add(m["code"])
            assert m["unit"] in UNITS, m["unit"]
        write_models(os.path.join(ROOT, "models", name + ".csv"), models, cols)
        write_appraisals(os.path.join(ROOT, "appraisals", name + ".csv"), models)
        print("%-24s %5d models" % (name, len(models)))


if __name__ == "__main__":
    main()
