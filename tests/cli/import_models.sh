# import_models: units then models (English and Vietnamese headers, BOM, CRLF, NFD text);
# importing the same file again changes nothing; a changed row updates in place; --dry-run.
cp "$SRC"/tests/data/csv/*.csv .
"$DVK" --quiet init
"$DVK" import units units.csv
sqlite3 dvk.db "INSERT INTO fields VALUES('tinh-a','kinh-te','Kinh tế'),('tinh-a','van-hoa-xa-hoi','Văn hóa – xã hội')"
"$DVK" import models models.csv
"$DVK" import models models.csv
"$DVK" import models models_vi.csv --dry-run
"$DVK" import models models_vi.csv
"$DVK" import appraisals appraisals.csv
sed 's/^M002,"Mô hình ""Hũ gạo tình thương""",xa-2,ca-nhan,dien-hinh,van-hoa-xa-hoi,huyen,2023/M002,Hũ gạo tình thương,xa-2,ca-nhan,dien-hinh,van-hoa-xa-hoi,huyen,2024/' models.csv > changed.csv
"$DVK" import models changed.csv
echo "--- stored"
sqlite3 dvk.db "SELECT id, code, name, name_key, unit, province, kind, category, field, level, year, registration, started_on, metrics FROM models ORDER BY id"
sqlite3 dvk.db "SELECT code, province, coalesce(successor, '-') FROM units ORDER BY code"
sqlite3 dvk.db "SELECT action, detail FROM audit_log ORDER BY id"
