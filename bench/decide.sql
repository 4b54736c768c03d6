-- bench/decide.sql: bench/bench_province.lua computed in pure SQL (sqlite3 shell) over a dvk
-- database: gia-lap, 2023, level co-so, cutoff 2023-11-30. The same gates; the same six
-- criteria added in the same order (so the same floating-point totals), rounded half-up to
-- 0.01 as dvk.round does; an ineligible model gets total 0 and no scores, as in dvk; the same
-- outcomes, rank (eligible first, total, then huong-loi, then code) and quota (1000
-- tieu-bieu, the overflow demoted to cong-nhan). Writes bench_results and bench_scores (one
-- row per eligible model and criterion, as dvk's result_scores view shows them) in one transaction,
-- then prints the outcome counts and the sum of totals.
DROP TABLE IF EXISTS bench_results;
DROP TABLE IF EXISTS bench_scores;
CREATE TABLE bench_results(model INTEGER PRIMARY KEY, eligible INTEGER, total REAL,
                           outcome TEXT, rank INTEGER);
CREATE TABLE bench_scores(model INTEGER, criterion TEXT, points REAL, max REAL,
                          PRIMARY KEY (model, criterion));
BEGIN IMMEDIATE;
CREATE TEMP TABLE s AS
WITH m AS (
  SELECT id, code, registration, address, started_on,
         json_extract(metrics, '$.beneficiaries') AS b, json_extract(metrics, '$.funds_vnd') AS f,
         json_extract(metrics, '$.workdays') AS w, json_extract(metrics, '$.participants') AS p,
         json_extract(metrics, '$.houses') AS h
  FROM models WHERE province = 'gia-lap' AND year = 2023 AND level = 'co-so'),
g AS (
  SELECT *,
    CASE WHEN started_on IS NULL THEN NULL ELSE
      (2023 - CAST(substr(started_on, 1, 4) AS INTEGER)) * 12 + (11 - CAST(substr(started_on, 6, 2) AS INTEGER))
    END AS n0,
    CAST(substr(started_on, 9, 2) AS INTEGER) AS d1
  FROM m),
c AS (
  SELECT id, code,
    (address IS NOT NULL AND address <> '' AND started_on IS NOT NULL
     AND (CASE WHEN n0 > 0 AND 30 < d1 THEN n0 - 1 ELSE n0 END) >= 12) AS eligible,
    CASE WHEN b IS NULL THEN 0 ELSE 30 * min(max(b / 1000.0, 0), 1) END AS c1,
    CASE WHEN f IS NULL THEN 0 ELSE 20 * min(max(f / 2e9, 0), 1) END AS c2,
    CASE WHEN w IS NULL THEN 0 ELSE 15 * min(max(w / 5000.0, 0), 1) END AS c3,
    CASE WHEN p IS NULL THEN 0 ELSE 15 * min(max(p / 5000.0, 0), 1) END AS c4,
    CASE WHEN h IS NULL THEN 0 ELSE 10 * min(max(h / 50.0, 0), 1) END AS c5,
    CASE WHEN registration = 'tiep-tuc' THEN 10 ELSE 5 END AS c6
  FROM g)
SELECT *, CASE WHEN eligible THEN floor(v * 100 + 0.5 + 1e-9 * max(v, 1)) / 100 ELSE 0 END AS total
FROM (SELECT *, c1 + c2 + c3 + c4 + c5 + c6 AS v FROM c);
INSERT INTO bench_results(model, eligible, total, outcome, rank)
SELECT id, eligible, total,
  CASE WHEN eligible AND total >= 60 AND r <= 1000 THEN 'tieu-bieu'
       WHEN eligible AND total >= 35 THEN 'cong-nhan'
       ELSE 'khong-cong-nhan' END, r
FROM (SELECT *, row_number() OVER (ORDER BY eligible DESC, total DESC,
                                           CASE WHEN eligible THEN c1 ELSE 0 END DESC, code) AS r
      FROM temp.s);
INSERT INTO bench_scores(model, criterion, points, max)
SELECT id, 'huong-loi', c1, 30 FROM temp.s WHERE eligible UNION ALL
SELECT id, 'kinh-phi', c2, 20 FROM temp.s WHERE eligible UNION ALL
SELECT id, 'ngay-cong', c3, 15 FROM temp.s WHERE eligible UNION ALL
SELECT id, 'tham-gia', c4, 15 FROM temp.s WHERE eligible UNION ALL
SELECT id, 'nha', c5, 10 FROM temp.s WHERE eligible UNION ALL
SELECT id, 'duy-tri', c6, 10 FROM temp.s WHERE eligible;
COMMIT;
SELECT 'sql', outcome, count(*) FROM bench_results GROUP BY outcome ORDER BY outcome;
SELECT 'sql', 'total', printf('%.6f', sum(total)) FROM bench_results WHERE eligible;
