#!/usr/bin/env python3
"""figures.py: writes datasets/figures.csv, every published figure dvk must reproduce.

Each value is copied from the source named in its row (see ../shared/DOMAIN.md); nothing here
is computed. Columns (datasets/README.md explains them):
  province  province code; year: a year or an inclusive range "Y1-Y2" (summed)
  unit      scope: the subtree of this unit (empty: the whole province)
  what      registered (models table) | recognised | exemplary | proposed (results of the
            current runs) | units_recognising (units directly under the province with at least
            one recognised model)
  by, key   breakdown: "" (total) | field | kind | level | registration | unit, and its value
  value     the published number; source: newspaper and date
"""
import csv
import os

BK = "Bắc Kạn 2023 review, article of 16/01/2024 (seed article in DOMAIN.md)"
BT = "baobinhthuan.com.vn, 22/07/2024"
LS = "baolangson.vn, 23/07/2024"
NA = "baonghean.vn, 21/03/2022"
CITY = "lang-son/tp-lang-son"

ROWS = [
    ("bac-kan", "2023", "", "registered", "", "", 2537, BK),
    ("bac-kan", "2023", "", "recognised", "", "", 1280, BK),
    ("bac-kan", "2023", "", "exemplary", "", "", 179, BK),
    ("bac-kan", "2023", "", "registered", "field", "he-thong-chinh-tri", 309, BK),
    ("bac-kan", "2023", "", "recognised", "field", "he-thong-chinh-tri", 194, BK),
    ("bac-kan", "2023", "", "registered", "field", "cai-cach-hanh-chinh", 579, BK),
    ("bac-kan", "2023", "", "recognised", "field", "cai-cach-hanh-chinh", 249, BK),
    ("bac-kan", "2023", "", "registered", "field", "nong-thon-moi", 1600, BK),
    ("bac-kan", "2023", "", "recognised", "field", "nong-thon-moi", 803, BK),
    ("bac-kan", "2023", "", "registered", "field", "van-hoa-du-lich", 49, BK),
    ("bac-kan", "2023", "", "recognised", "field", "van-hoa-du-lich", 34, BK),
    ("binh-thuan", "2023", "", "registered", "level", "huyen", 746, BT),
    ("binh-thuan", "2023", "", "recognised", "level", "huyen", 155, BT),
    ("binh-thuan", "2023", "", "units_recognising", "level", "huyen", 13, BT),
    ("binh-thuan", "2023", "", "recognised", "unit", "binh-thuan/duc-linh", 0, BT),
    ("binh-thuan", "2023", "", "proposed", "level", "huyen", 39, BT),
    ("binh-thuan", "2023", "", "recognised", "level", "tinh", 22, BT),
    ("lang-son", "2017-2020", CITY, "registered", "", "", 129, LS),
    ("lang-son", "2017-2020", CITY, "registered", "kind", "tap-the", 83, LS),
    ("lang-son", "2017-2020", CITY, "registered", "kind", "ca-nhan", 46, LS),
    ("lang-son", "2017-2020", CITY, "registered", "field", "kinh-te", 44, LS),
    ("lang-son", "2017-2020", CITY, "registered", "field", "van-hoa-xa-hoi", 23, LS),
    ("lang-son", "2017-2020", CITY, "registered", "field", "quoc-phong-an-ninh", 42, LS),
    ("lang-son", "2017-2020", CITY, "registered", "field", "he-thong-chinh-tri", 20, LS),
    ("lang-son", "2017-2020", CITY, "recognised", "", "", 46, LS),
    ("lang-son", "2017-2020", CITY, "recognised", "kind", "tap-the", 27, LS),
    ("lang-son", "2017-2020", CITY, "recognised", "kind", "ca-nhan", 19, LS),
    ("nghe-an", "2022", "", "registered", "", "", 855, NA),
    ("nghe-an", "2022", "", "registered", "registration", "moi", 515, NA),
    ("nghe-an", "2022", "", "registered", "registration", "tiep-tuc", 340, NA),
    ("nghe-an", "2022", "", "registered", "level", "co-so", 524, NA),
    ("nghe-an", "2022", "", "registered", "level", "huyen", 324, NA),
]

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "figures.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["province", "year", "unit", "what", "by", "key", "value", "source"])
        w.writerows(ROWS)
