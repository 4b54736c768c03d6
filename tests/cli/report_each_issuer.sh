# A province-wide run at a level below the province's own (no --unit) is decided by each
# deciding unit, as `dvk decide --each-unit` picks them: at co-so the model's own unit
# (commune, ward, agency, mass organisation), at huyen the unit directly under the province.
# quyet-dinh (and phu-luc, giay-chung-nhan, to-trinh) print one document per deciding unit
# that recognised a model, with that unit as issuer, its own Điều 1 and annex, each on a new
# page, after a first line and a table saying it is the set of the units' decisions; the
# province-level run still prints one decision of the province's body.
fp() { sed 's/[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}/FFFF-FFFF-FFFF-FFFF/g'; }
. "$SRC/tests/data/report/setup.sh"
echo "=== huyen, province-wide (run 3): one decision per district, by its People's Committee chairman"
"$DVK" decide --province thu-nghiem --year 2024 --level huyen | sed -n 1p
"$DVK" report 3 quyet-dinh | grep -E "^\| \*\*|^\*\*Điều 1|^\*\*(CHỦ TỊCH|KT)|Kèm theo|^\| [0-9]+ \|"
# co-so models of 2024: two of Xã An Hòa, one of Phường Đông A, one each of the provincial
# police (agency) and the Farmers' Association (mass organisation); Xã Bình Trị's one model
# is not recognised (no appraisal of its second criterion: below the bar)
cat > coso.csv <<'CSV'
code,name,unit,kind,category,field,level,year,registration,started_on,address,description,participants,beneficiaries
CS-01,Tổ hòa giải thôn Nà Làng,thu-nghiem/an-phu/an-hoa,tap-the,mo-hinh,quoc-phong-an-ninh,co-so,2024,moi,2020-01-01,"Thôn Nà Làng, xã An Hòa",Hòa giải ở cơ sở.,300,900
CS-02,Ông Vi Văn Ánh – Trưởng thôn vận động hiến đất,thu-nghiem/an-phu/an-hoa,ca-nhan,dien-hinh,kinh-te,co-so,2024,moi,2019-05-01,"Thôn 1, xã An Hòa",Vận động hiến đất làm đường.,200,600
CS-03,Khu phố văn minh Đông A,thu-nghiem/dong-hoa/dong-a,tap-the,mo-hinh,van-hoa-xa-hoi,co-so,2024,tiep-tuc,2018-01-01,"Khu phố 2, phường Đông A",Giữ vệ sinh khu phố.,500,1500
CS-04,Công an xã bám địa bàn,thu-nghiem/cong-an,tap-the,mo-hinh,quoc-phong-an-ninh,co-so,2024,moi,2021-01-01,"Công an tỉnh Thử Nghiệm",Công an xã bám dân.,100,5000
CS-05,Chi hội nông dân nghề nghiệp,thu-nghiem/hoi-nong-dan,tap-the,mo-hinh,kinh-te,co-so,2024,moi,2020-03-01,"Hội Nông dân tỉnh",Liên kết sản xuất.,150,450
CS-06,Mô hình chưa đủ điểm,thu-nghiem/binh-son/binh-tri,tap-the,mo-hinh,kinh-te,co-so,2024,moi,2020-03-01,"Xã Bình Trị",Chưa đạt.,10,20
CSV
{
  echo "model,criterion,appraiser,score,note"
  for m in CS-01 CS-02 CS-03 CS-04 CS-05; do
    echo "$m,kho-khan,Thành viên 1,14,"; echo "$m,sang-tao,Thành viên 1,13,"
  done
  echo "CS-06,kho-khan,Thành viên 1,2,"; echo "CS-06,sang-tao,Thành viên 1,1,"
} > coso-appraisals.csv
"$DVK" import models coso.csv >/dev/null
"$DVK" import appraisals coso-appraisals.csv >/dev/null
"$DVK" decide --province thu-nghiem --year 2024 --level co-so | sed -n 1p
echo "=== quyet-dinh of the province-wide co-so run 4: the set, then each unit's decision"
"$DVK" report 4 quyet-dinh > qd4.md; echo "exit $?"
fp < qd4.md
echo "=== the same unit decided alone (--unit) prints the same decision as its part of the set"
"$DVK" decide --province thu-nghiem --year 2024 --level co-so --unit thu-nghiem/cong-an | sed -n 1p
"$DVK" report 5 quyet-dinh > qd5.md
awk '/^---$/ { n++ } n >= 1 && n <= 2' qd4.md | sed '1,2d' > part.md
diff part.md qd5.md && echo "the same as run 5's"
echo "=== the province-level run 2 still prints one decision of the province's body"
"$DVK" report 2 quyet-dinh | grep -c "^# QUYẾT ĐỊNH"
"$DVK" report 2 quyet-dinh | grep -E "^\| \*\*|^\*\*Điều 1"
echo "=== phu-luc, giay-chung-nhan and to-trinh of run 4: issuers and page breaks"
for r in phu-luc giay-chung-nhan to-trinh; do
  echo "--- $r"
  "$DVK" report 4 $r | grep -E "^\| [^ :-]|Kèm theo|^# |Kính gửi|Theo Quyết định" | grep -v "^| STT"
  "$DVK" report 4 $r --format json | grep -c '"type":"page_break"'
done
echo "=== a final run 4: no unit's decision takes the run's number; date and check code kept"
"$DVK" runs finalize 4 --number 77 --date 2024-12-20 --superseded >/dev/null; echo "exit $?"
"$DVK" report 4 quyet-dinh | fp | grep -E "Số|ngày 20|Mã kiểm tra" | sort | uniq -c
echo "=== docx and html of the set: one letterhead per unit, a page break before each"
"$DVK" report 4 quyet-dinh -o qd4.docx
unzip -p qd4.docx word/document.xml | grep -o 'ĐẢNG ỦY [^<]*\|ỦY BAN NHÂN DÂN[^<]*\|CÔNG AN TỈNH\|HỘI NÔNG DÂN TỈNH' | sort | uniq -c
unzip -p qd4.docx word/document.xml | grep -o '<w:pageBreakBefore/>' | wc -l
"$DVK" report 4 quyet-dinh --format html | grep -o 'Tập quyết định[^<]*' | head -1
