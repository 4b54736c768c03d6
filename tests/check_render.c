/* check_render.c: the renderers: Markdown, HTML, CSV, JSON and XLSX output of a document,
 * their escaping, Vietnamese text, empty tables, typed numbers, and atomic file output. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "dvk/doc.h"
#include "dvk/render.h"
#include "testutil.h"

/* A document with the awkward cases: markup characters, quotes, newlines, control bytes,
 * formula-looking cells, Vietnamese text, an empty table and typed numbers. */
static dvk_doc *sample(void)
{
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    ck_assert_int_eq(dvk_doc_set_title(doc, "Báo cáo <thử> & \"kiểm\"", &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_heading(doc, "Đánh giá mô hình \"Dân vận khéo\"", 1, &err), 0);
    ck_assert_int_eq(dvk_doc_paragraph(doc, "<script>alert('x')</script> & *sao* #1", 0, &err), 0);
    ck_assert_int_eq(dvk_doc_paragraph(doc, "tab\there\x01 ctl\nline 2", DVK_DOC_ITALIC, &err), 0);
    dvk_doc_table *t = dvk_doc_table_add(doc, "Theo lĩnh vực", &err);
    dvk_doc_table_column(doc, t, "name", "Tên mô hình", DVK_COL_TEXT, 0, &err);
    dvk_doc_table_column(doc, t, "n", "Số lượng", DVK_COL_INT, 0, &err);
    dvk_doc_table_column(doc, t, "pts", "Điểm", DVK_COL_NUM, 0, &err);
    dvk_doc_table_column(doc, t, "pct", "Tỷ lệ", DVK_COL_PCT, 0, &err);
    dvk_doc_table_column(doc, t, "vnd", "Tiền thưởng (đồng)", DVK_COL_MONEY, 0, &err);
    size_t r;
    dvk_doc_table_row(doc, t, &r, &err);
    dvk_doc_table_text(doc, t, r, 0, "Xây dựng nông thôn mới, \"đô thị\" văn minh", &err);
    dvk_doc_table_number(doc, t, r, 1, 2537, &err);
    dvk_doc_table_number(doc, t, r, 2, 87.5, &err);
    dvk_doc_table_number(doc, t, r, 3, 50.44, &err);
    dvk_doc_table_number(doc, t, r, 4, 2700000, &err);
    dvk_doc_table_row(doc, t, &r, &err);
    dvk_doc_table_text(doc, t, r, 0, "=HYPERLINK(\"http://x\")|a\nb", &err);
    dvk_doc_table_number(doc, t, r, 1, -1234, &err);
    dvk_doc_table_text(doc, t, r, 3, "-", &err);
    ck_assert_int_eq(dvk_doc_table_sum(doc, t, "Tổng cộng", &err), DVK_OK);
    dvk_doc_table_footnote(doc, t, "Nguồn: Ban Dân vận.", &err);
    dvk_doc_table *e = dvk_doc_table_add(doc, "Bảng trống", &err);
    dvk_doc_table_column(doc, e, "a", "Cột A", DVK_COL_TEXT, 0, &err);
    dvk_doc_chart *c = dvk_doc_chart_add(doc, 0, "Biểu đồ <1>", &err);
    dvk_doc_chart_category(doc, c, "Kinh tế", &err);
    dvk_doc_chart_category(doc, c, "Xây dựng hệ thống chính trị ở cơ sở vùng đồng bào", &err);
    double v1[] = {3, 7}, v2[] = {1, 2};
    dvk_doc_chart_series(doc, c, "Đăng ký", v1, 2, &err);
    dvk_doc_chart_series(doc, c, "Công nhận", v2, 2, &err);
    return doc;
}

static char *render(const dvk_doc *doc, dvk_format f)
{
    char *out;
    size_t len;
    dvk_error err;
    int rc = dvk_render_buffer(doc, f, &out, &len, &err);
    ck_assert_msg(rc == DVK_OK, "%s", err.msg);
    ck_assert_uint_eq(strlen(out), len);
    return out;
}

#define HAS(hay, needle) ck_assert_msg(strstr((hay), (needle)) != NULL, "missing: %s\nin:\n%.1500s", (needle), (hay))
#define HASNT(hay, needle) ck_assert_msg(strstr((hay), (needle)) == NULL, "unexpected: %s", (needle))

START_TEST(format_names)
{
    ck_assert_int_eq(dvk_render_format_parse("md"), DVK_FORMAT_MD);
    ck_assert_int_eq(dvk_render_format_parse("markdown"), DVK_FORMAT_MD);
    ck_assert_int_eq(dvk_render_format_parse("xlsx"), DVK_FORMAT_XLSX);
    ck_assert_int_eq(dvk_render_format_parse("pdf"), DVK_FORMAT_PDF);
    ck_assert_int_eq(dvk_render_format_parse("docx"), DVK_FORMAT_DOCX);
    ck_assert_int_eq(dvk_render_format_parse("odt"), -1);
    ck_assert(dvk_render_format_binary(DVK_FORMAT_DOCX));
    ck_assert(!dvk_render_format_binary(DVK_FORMAT_HTML));
    ck_assert_str_eq(dvk_render_format_name(DVK_FORMAT_JSON), "json");
}
END_TEST

START_TEST(markdown)
{
    dvk_doc *doc = sample();
    char *md = render(doc, DVK_FORMAT_MD);
    HAS(md, "# Đánh giá mô hình \"Dân vận khéo\"\n");
    HAS(md, "\\<script\\>alert('x')\\</script\\> & \\*sao\\* #1");
    HAS(md, "*tab\there\x01 ctl  \nline 2*");
    HAS(md, "| Tên mô hình | Số lượng | Điểm | Tỷ lệ | Tiền thưởng (đồng) |\n"
            "| --- | ---: | ---: | ---: | ---: |\n");
    HAS(md, "| Xây dựng nông thôn mới, \"đô thị\" văn minh | 2.537 | 87,5 | 50,4% | 2.700.000 |");
    HAS(md, "| =HYPERLINK(\"http://x\")\\|a<br>b | -1.234 |  | - |  |");
    HAS(md, "| **Tổng cộng** | **1.303** | **87,5** |  | **2.700.000** |");
    HAS(md, "*Nguồn: Ban Dân vận.*");
    HAS(md, "**Bảng trống**\n\n| Cột A |\n| --- |\n\n*(Không có dữ liệu.)*");
    HAS(md, "| Kinh tế | 3 | 1 |");
    free(md);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(html)
{
    dvk_doc *doc = sample();
    char *h = render(doc, DVK_FORMAT_HTML);
    HAS(h, "<!DOCTYPE html>\n<html lang=\"vi\">");
    HAS(h, "<meta charset=\"utf-8\">");
    HAS(h, "<title>Báo cáo &lt;thử&gt; &amp; &quot;kiểm&quot;</title>");
    HAS(h, "@page{size:A4;margin:20mm 15mm 20mm 30mm;@top-center{content:counter(page);");
    HAS(h, "@page:first{@top-center{content:none}}");   /* no number on the first page */
    HAS(h, "'Times New Roman'");
    HAS(h, "font-size:14pt");
    HAS(h, "<h1>Đánh giá mô hình &quot;Dân vận khéo&quot;</h1>");
    HAS(h, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; *sao* #1</p>");
    HAS(h, "<p class=\"i\">tab here\xEF\xBF\xBD ctl<br>line 2</p>");
    HAS(h, "<td class=\"n\">2.537</td><td class=\"n\">87,5</td><td class=\"n\">50,4%</td>");
    HAS(h, "<td>=HYPERLINK(&quot;http://x&quot;)|a<br>b</td>");
    HAS(h, "<tfoot><tr><td>Tổng cộng</td><td class=\"n\">1.303</td>");
    HAS(h, "<td class=\"empty\" colspan=\"1\">Không có dữ liệu.</td>");
    HAS(h, "<svg viewBox=");
    HAS(h, "aria-label=\"Biểu đồ &lt;1&gt;\"");
    HAS(h, ">Xây dựng hệ thống chính trị ở</tspan>");   /* label wrapped */
    /* self-contained: no script, no external resource, no control bytes */
    HASNT(h, "<script");
    HASNT(h, "src=");
    HASNT(h, "href=");
    HASNT(h, "@import");
    HASNT(h, "url(");
    HASNT(h, "\x01");
    free(h);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(chart_extremes)
{
    /* values near DBL_MAX (their stacked sum overflows) and all zeros still draw a chart
     * whose numbers are finite, bars inside the plot */
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    for (int stacked = 0; stacked <= 1; stacked++) {
        dvk_doc_chart *c = dvk_doc_chart_add(doc, stacked, "x", &err);
        dvk_doc_chart_category(doc, c, "a", &err);
        dvk_doc_chart_category(doc, c, "b", &err);
        double big[] = {1.7e308, 1e-300}, zero[] = {0, 0};
        ck_assert_int_eq(dvk_doc_chart_series(doc, c, "s1", big, 2, &err), DVK_OK);
        ck_assert_int_eq(dvk_doc_chart_series(doc, c, "s2", big, 2, &err), DVK_OK);
        c = dvk_doc_chart_add(doc, stacked, "zero", &err);
        dvk_doc_chart_category(doc, c, "a", &err);
        ck_assert_int_eq(dvk_doc_chart_series(doc, c, "s", zero, 1, &err), DVK_OK);
    }
    char *h = render(doc, DVK_FORMAT_HTML);
    HASNT(h, "inf");
    HASNT(h, "nan");
    HAS(h, "<svg");
    free(h);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(html_letterhead_and_signature)
{
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    dvk_doc_letterhead lh = {DVK_DOC_STATE, "", "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN", "",
                             "QĐ-UBND", "Bắc Kạn", "2024"};
    ck_assert_int_eq(dvk_doc_letterhead_add(doc, &lh, &err), DVK_OK);
    lh = (dvk_doc_letterhead){DVK_DOC_PARTY, "ĐẢNG BỘ TỈNH BẮC KẠN", "BAN DÂN VẬN", "08",
                              "QĐ/BDVTU", "Bắc Kạn", "2024-02-01"};
    ck_assert_int_eq(dvk_doc_letterhead_add(doc, &lh, &err), DVK_OK);
    const char *items[] = {"Như Điều 3;", "Lưu: VT."};
    dvk_doc_recipients(doc, 2, items, &err);
    dvk_doc_signature sig = {"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Nguyễn Văn A"};
    dvk_doc_signature_add(doc, &sig, &err);
    char *h = render(doc, DVK_FORMAT_HTML);
    HAS(h, "<div class=\"lh-iss\">ỦY BAN NHÂN DÂN<br>TỈNH BẮC KẠN</div>");
    HAS(h, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    HAS(h, "Độc lập - Tự do - Hạnh phúc");
    HAS(h, "Số: \xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0/QĐ-UBND");
    HAS(h, "Bắc Kạn, ngày\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0 tháng");
    HAS(h, "<div class=\"lh-up\">ĐẢNG BỘ TỈNH BẮC KẠN</div><div class=\"lh-iss\">BAN DÂN VẬN</div>");
    HAS(h, "ĐẢNG CỘNG SẢN VIỆT NAM");
    HAS(h, "Số 08-QĐ/BDVTU");
    HAS(h, "Bắc Kạn, ngày 01 tháng 02 năm 2024");
    /* recipients and signature share one row */
    HAS(h, "<table class=\"foot\"><tr><td class=\"rcp\"><div class=\"rcp-h\">Nơi nhận:</div>"
           "<div>- Như Điều 3;</div><div>- Lưu: VT.</div></td><td class=\"sig\">"
           "<div class=\"sig-ob\">TM. ỦY BAN NHÂN DÂN</div>"
           "<div class=\"sig-t\">KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</div>");
    free(h);
    char *md = render(doc, DVK_FORMAT_MD);
    HAS(md, "| **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** |");
    HAS(md, "| Số 08-QĐ/BDVTU | *Bắc Kạn, ngày 01 tháng 02 năm 2024* |");
    HAS(md, "***Nơi nhận:***\n\n- Như Điều 3;\n- Lưu: VT.\n");
    free(md);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(csv)
{
    dvk_doc *doc = sample();
    char *c = render(doc, DVK_FORMAT_CSV);
    const char *want =
        "Theo lĩnh vực\r\n"
        "Tên mô hình,Số lượng,Điểm,Tỷ lệ,Tiền thưởng (đồng)\r\n"
        "\"Xây dựng nông thôn mới, \"\"đô thị\"\" văn minh\",2537,87.5,50.44,2700000\r\n"
        "\"'=HYPERLINK(\"\"http://x\"\")|a\nb\",-1234,,'-,\r\n"
        "Tổng cộng,1303,87.5,,2700000\r\n"
        "\r\n"
        "Bảng trống\r\n"
        "Cột A\r\n";
    ck_assert_str_eq(c, want);
    free(c);
    dvk_doc_free(doc);

    /* a document without tables has no CSV */
    dvk_error err;
    char *out;
    size_t len;
    doc = dvk_doc_new();
    dvk_doc_heading(doc, "x", 1, &err);
    ck_assert_int_eq(dvk_render_buffer(doc, DVK_FORMAT_CSV, &out, &len, &err), DVK_EDATA);
    ck_assert_ptr_nonnull(strstr(err.msg, "no table"));
    ck_assert_int_eq(dvk_render_buffer(doc, DVK_FORMAT_XLSX, &out, &len, &err), DVK_EUSAGE);
    dvk_doc_free(doc);
}
END_TEST

/* ---- a strict JSON checker (RFC 8259), enough to prove the output parses ------------- */

static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static const char *js_value(const char *p, int depth);

static const char *js_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;        /* raw control characters are not allowed */
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 5;
                continue;
            }
            if (!*p || !strchr("\"\\/bfnrt", *p))
                return NULL;
        }
        p++;
    }
}

static const char *js_value(const char *p, int depth)
{
    if (depth > 64)
        return NULL;
    p = js_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int obj = *p == '{';
        p = js_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (obj) {
                p = js_string(js_ws(p));
                if (!p)
                    return NULL;
                p = js_ws(p);
                if (*p++ != ':')
                    return NULL;
            }
            p = js_value(p, depth + 1);
            if (!p)
                return NULL;
            p = js_ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    if (*p == '"')
        return js_string(p);
    if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    char *end;
    strtod(p, &end);
    if (end == p || *p == '+' || *p == '.' || strncmp(p, "nan", 3) == 0)
        return NULL;
    return end;
}

static int json_valid(const char *s)
{
    const char *p = js_value(s, 0);
    return p && *js_ws(p) == '\0';
}

START_TEST(json)
{
    ck_assert(json_valid("{\"a\":[1,2.5,\"x\\n\"],\"b\":null}"));
    ck_assert(!json_valid("{\"a\":\"\x01\"}"));
    ck_assert(!json_valid("{\"a\":1,}"));
    dvk_doc *doc = sample();
    char *j = render(doc, DVK_FORMAT_JSON);
    ck_assert_msg(json_valid(j), "invalid JSON:\n%s", j);
    HAS(j, "{\"title\":\"Báo cáo <thử> & \\\"kiểm\\\"\",\"blocks\":[");
    HAS(j, "{\"type\":\"paragraph\",\"style\":\"italic\",\"text\":\"tab\\there\\u0001 ctl\\nline 2\"}");
    HAS(j, "{\"id\":\"pct\",\"title\":\"Tỷ lệ\",\"type\":\"pct\"}");
    HAS(j, "[\"Xây dựng nông thôn mới, \\\"đô thị\\\" văn minh\",2537,87.5,50.44,2700000]");
    HAS(j, "[\"=HYPERLINK(\\\"http://x\\\")|a\\nb\",-1234,null,\"-\",null]");
    HAS(j, "\"totals\":[\"Tổng cộng\",1303,87.5,null,2700000]");
    HAS(j, "\"rows\":[],\"totals\":null,\"footnotes\":[]");
    HAS(j, "\"chart\":\"bar\",\"title\":\"Biểu đồ <1>\"");
    HAS(j, "{\"name\":\"Đăng ký\",\"values\":[3,7]}");
    free(j);
    dvk_doc_free(doc);

    dvk_error err;
    doc = dvk_doc_new();
    dvk_doc_paragraph(doc, "a\xe2\x80\xa8z", 0, &err);   /* U+2028 */
    j = render(doc, DVK_FORMAT_JSON);
    HAS(j, "\"a\\u2028z\"");
    ck_assert(json_valid(j));
    free(j);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(files_are_atomic)
{
    dvk_error err;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "out.md");
    dvk_doc *doc = sample();
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_MD, path, NULL, &err), DVK_OK);
    size_t len;
    char *got = tu_read(path, &len);
    ck_assert_ptr_nonnull(got);
    char *want = render(doc, DVK_FORMAT_MD);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    ck_assert_int_eq(tu_entries(dir), 1);   /* no temporary file left */
    /* a failed render leaves the old file and no temporary file */
    dvk_doc *notable = dvk_doc_new();
    dvk_doc_heading(notable, "x", 1, &err);
    ck_assert_int_eq(dvk_render_file(notable, DVK_FORMAT_CSV, path, NULL, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_render_file(notable, DVK_FORMAT_XLSX, path, NULL, &err), DVK_EDATA);
    got = tu_read(path, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(strstr(got, "Đánh giá"));
    free(got);
    ck_assert_int_eq(tu_entries(dir), 1);
    /* a folder that does not exist: DVK_EIO naming the file asked for */
    char *bad = tu_path(dir, "missing/out.html");
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_HTML, bad, NULL, &err), DVK_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "missing/out.html: cannot write"));
    /* the target is a folder: refused, nothing created */
    char *sub = tu_path(dir, "sub");
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    char *sub_child = tu_path(sub, "x");
    tu_write(sub_child, "x", 1);
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_JSON, sub, NULL, &err), DVK_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "is a folder"));
    ck_assert_int_eq(tu_entries(dir), 2);
    ck_assert_int_eq(tu_entries(sub), 1);
    /* the file kept (here standing for the database) is refused in every format */
    const dvk_outfile_keep keep = {.db = path};
    dvk_doc_free(notable);
    notable = NULL;
    static const dvk_format all[] = {DVK_FORMAT_MD, DVK_FORMAT_HTML, DVK_FORMAT_CSV,
                                     DVK_FORMAT_XLSX, DVK_FORMAT_JSON};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        dvk_doc *d = sample();
        dvk_doc_table *t = dvk_doc_table_add(d, "t", &err);
        dvk_doc_table_column(d, t, "a", "A", DVK_COL_TEXT, 0, &err);
        ck_assert_int_eq(dvk_render_file(d, all[i], path, &keep, &err), DVK_EIO);
        ck_assert_ptr_nonnull(strstr(err.msg, "is the open database"));
        dvk_doc_free(d);
    }
    want = render(doc, DVK_FORMAT_MD);
    got = tu_read(path, &len);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    ck_assert_int_eq(tu_entries(dir), 2);
    dvk_doc_free(doc);
    free(sub_child);
    free(sub);
    free(bad);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* Read one member of a zip through unzip(1); NULL when unzip is not installed. */
static char *unzip_member(const char *zip, const char *member)
{
    if (system("command -v unzip >/dev/null 2>&1") != 0)
        return NULL;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", zip, member);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    pclose(p);
    return buf;
}

START_TEST(xlsx)
{
    dvk_error err;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "out.xlsx");
    dvk_doc *doc = sample();
    /* sheet names: too long, forbidden characters, clashing, empty */
    dvk_doc_table *t = dvk_doc_table_add(doc, "Theo lĩnh vực", &err);
    dvk_doc_table_column(doc, t, "a", "A", DVK_COL_TEXT, 0, &err);
    t = dvk_doc_table_add(doc, "Danh sách [kèm theo] Quyết định số 12/QĐ-UBND: *?", &err);
    dvk_doc_table_column(doc, t, "a", "A", DVK_COL_TEXT, 0, &err);
    /* cut at a word, without the quote it opened */
    t = dvk_doc_table_add(doc, "I. Công nhận mô hình \"Dân vận khéo\" cấp tỉnh", &err);
    dvk_doc_table_column(doc, t, "a", "A", DVK_COL_TEXT, 0, &err);
    t = dvk_doc_table_add(doc, "", &err);
    dvk_doc_table_column(doc, t, "a", "A", DVK_COL_TEXT, 0, &err);
    /* a cell longer than Excel allows (32,767 characters) is cut, not an error */
    size_t row, big = 40000 * 2;
    char *longtext = malloc(big + 1);
    for (size_t i = 0; i < big; i += 2)
        memcpy(longtext + i, "\xc3\xa2", 2);   /* U+00E2, a with circumflex */
    longtext[big] = '\0';
    dvk_doc_table_row(doc, t, &row, &err);
    ck_assert_int_eq(dvk_doc_table_text(doc, t, row, 0, longtext, &err), DVK_OK);
    free(longtext);
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_XLSX, path, NULL, &err), DVK_OK);
    size_t len;
    char *data = tu_read(path, &len);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_gt(len, 1000);
    ck_assert_int_eq(memcmp(data, "PK\x03\x04", 4), 0);
    free(data);
    ck_assert_int_eq(tu_entries(dir), 1);   /* no temporary file left */
    char *wb = unzip_member(path, "xl/workbook.xml");
    if (wb) {
        HAS(wb, "<sheet name=\"Theo lĩnh vực\" sheetId=\"1\"");
        HAS(wb, "<sheet name=\"Bảng trống\" sheetId=\"2\"");
        HAS(wb, "<sheet name=\"Theo lĩnh vực (2)\" sheetId=\"3\"");
        HAS(wb, "<sheet name=\"Danh sách -kèm theo- Quyết định\" sheetId=\"4\"");
        HAS(wb, "<sheet name=\"I. Công nhận mô hình &quot;Dân vận\" sheetId=\"5\"");
        HAS(wb, "<sheet name=\"Bảng 6\" sheetId=\"6\"");
        /* printing: the header row repeats on every page */
        HAS(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">");
        HAS(wb, "!$4:$4</definedName>");
        free(wb);
        char *s1 = unzip_member(path, "xl/worksheets/sheet1.xml");
        /* the document's title, the table's, a blank row, then the header row (frozen) */
        HAS(s1, "<pane ySplit=\"4\" topLeftCell=\"A5\" activePane=\"bottomLeft\" state=\"frozen\"/>");
        HAS(s1, "<pageSetUpPr fitToPage=\"1\"/>");
        HAS(s1, "paperSize=\"9\"");
        HAS(s1, "fitToHeight=\"0\"");
        HAS(s1, "<v>2537</v>");       /* typed numbers, not strings */
        HAS(s1, "<v>0.5044</v>");     /* percentages as fractions with a % format */
        HAS(s1, "<v>2700000</v>");
        HAS(s1, "<cols>");
        free(s1);
        char *st = unzip_member(path, "xl/styles.xml");
        HAS(st, "formatCode=\"0.0%\"");
        HAS(st, "formatCode=\"#,##0\"");
        HAS(st, "<b/>");
        free(st);
        char *ss = unzip_member(path, "xl/sharedStrings.xml");
        HAS(ss, "<t>Xây dựng nông thôn mới, \"đô thị\" văn minh</t>");
        HAS(ss, "=HYPERLINK");      /* a string cell: Excel will not evaluate it */
        HAS(ss, "\xc3\xa2\xc3\xa2 […]</t>");   /* the over-long cell, cut */
        free(ss);
    }
    dvk_doc_free(doc);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A workbook cut short by a full disk is refused. libxlsxwriter writes each sheet's XML to
 * a temporary file and ignores write errors there; with files capped (RLIMIT_FSIZE, SIGXFSZ
 * ignored: writes past the cap fail with EFBIG, as on a full disk) between the size of the
 * compressed workbook and that of a sheet's XML, the workbook itself is written whole while
 * the sheet inside it is cut. The read-back must refuse every such workbook, leaving neither
 * the file nor a temporary file. */
START_TEST(xlsx_cut_short)
{
    dvk_error err;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "cut.xlsx");
    setenv("TMPDIR", dir, 1);   /* libxlsxwriter's temporary files, capped alike */
    dvk_doc *doc = dvk_doc_new();
    dvk_doc_table *t = dvk_doc_table_add(doc, "Danh sách", &err);
    dvk_doc_table_column(doc, t, "name", "Tên mô hình", DVK_COL_TEXT, 0, &err);
    dvk_doc_table_column(doc, t, "n", "Số lượng", DVK_COL_INT, 0, &err);
    for (int i = 0; i < 4000; i++) {
        size_t r;
        ck_assert_int_eq(dvk_doc_table_row(doc, t, &r, &err), DVK_OK);
        dvk_doc_table_text(doc, t, r, 0, "Dân vận khéo", &err);   /* one shared string */
        dvk_doc_table_number(doc, t, r, 1, i, &err);
    }
    /* whole: the workbook's size, and the sheet's XML (rows of <c> elements) is far larger */
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_XLSX, path, NULL, &err), DVK_OK);
    size_t zip_size;
    char *whole = tu_read(path, &zip_size);
    ck_assert_ptr_nonnull(whole);
    free(whole);
    char *sheet = unzip_member(path, "xl/worksheets/sheet1.xml");
    size_t sheet_size = sheet ? strlen(sheet) : 200000;
    free(sheet);
    ck_assert_uint_gt(sheet_size, zip_size + 8192);
    ck_assert_int_eq(remove(path), 0);

    struct rlimit old, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    int cut = 0;
    for (rlim_t cap = zip_size + 4096; cap < sheet_size; cap += (sheet_size - zip_size) / 7) {
        lim = old;
        lim.rlim_cur = cap;
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
        dvk_error_clear(&err);
        int rc = dvk_render_file(doc, DVK_FORMAT_XLSX, path, NULL, &err);
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
        ck_assert_msg(rc == DVK_EIO, "cap %lu: render returned %d (%s)", (unsigned long)cap, rc,
                      err.msg);
        cut += strstr(err.msg, "not written completely") != NULL;
        size_t len;
        ck_assert_ptr_null(tu_read(path, &len));
        ck_assert_int_eq(tu_entries(dir), 0);   /* nor a temporary file (ours or the library's) */
    }
    /* at least one cap met the sheet alone: the read-back, not a failed write, refused it */
    ck_assert_int_gt(cut, 0);
    signal(SIGXFSZ, SIG_DFL);
    /* without the cap the same workbook is written (the failures came from the cap) */
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_XLSX, path, NULL, &err), DVK_OK);
    dvk_doc_free(doc);
    unsetenv("TMPDIR");
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(docx)
{
    dvk_error err;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "out.docx");
    dvk_doc *doc = sample();
    dvk_doc_letterhead lh = {DVK_DOC_PARTY, "TỈNH ỦY BẮC KẠN", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "08",
                             "QĐ/BTGDVTU", "Bắc Kạn", "2025-12-01"};
    ck_assert_int_eq(dvk_doc_letterhead_add(doc, &lh, &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_page_break(doc, &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_heading(doc, "DANH SÁCH", 2, &err), DVK_OK);
    const char *items[] = {"Như Điều 3;", "Lưu Văn phòng Ban."};
    dvk_doc_recipients(doc, 2, items, &err);
    dvk_doc_signature sig = {"", "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", "Nguyễn Văn A"};
    dvk_doc_signature_add(doc, &sig, &err);
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_DOCX, path, NULL, &err), DVK_OK);
    ck_assert_int_eq(tu_entries(dir), 1);   /* no temporary file left */
    char *ct = unzip_member(path, "\\[Content_Types\\].xml");   /* unzip reads [] as a pattern */
    if (!ct)
        goto done;   /* no unzip(1) */
    HAS(ct, "wordprocessingml.document.main+xml");
    free(ct);
    char *d = unzip_member(path, "word/document.xml");
    /* escaped text, control characters dropped, a newline as a line break */
    HAS(d, "<w:t xml:space=\"preserve\">Đánh giá mô hình &quot;Dân vận khéo&quot;</w:t>");
    HAS(d, "&lt;script&gt;alert('x')&lt;/script&gt; &amp; *sao* #1");
    HAS(d, "tab\there ctl</w:t>");
    HAS(d, "<w:br/><w:t xml:space=\"preserve\">line 2</w:t>");
    /* tables: the header row repeats on every page; typed cells read as people read them */
    HAS(d, "<w:tblHeader/>");
    HAS(d, ">2.537<");
    HAS(d, ">50,4%<");
    HAS(d, ">Không có dữ liệu.<");
    /* Party letterhead, the page break on the next paragraph, the signature beside recipients */
    HAS(d, ">ĐẢNG CỘNG SẢN VIỆT NAM<");
    HAS(d, ">Số 08-QĐ/BTGDVTU<");
    HAS(d, "<w:pageBreakBefore/>");
    HAS(d, ">K/T TRƯỞNG BAN</w:t></w:r><w:r><w:rPr><w:b/><w:sz w:val=\"28\"/>");
    HAS(d, "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:u w:val=\"single\"/></w:rPr><w:t "
           "xml:space=\"preserve\">Nơi nhận:");   /* Party: underlined (u after sz: the schema) */
    /* table properties in the schema's order: width, borders, layout, cell margins */
    HAS(d, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>");
    ck_assert_ptr_null(strstr(d, "<w:tblLayout w:type=\"fixed\"/><w:tblBorders>"));
    /* A4, Decree 30 margins, page numbers from page 2 */
    HAS(d, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>");
    HAS(d, "<w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\"");
    HAS(d, "<w:titlePg/>");
    HAS(d, "<w:headerReference w:type=\"first\" r:id=\"rId4\"/>");
    free(d);
    char *h1 = unzip_member(path, "word/header1.xml");
    HAS(h1, "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>");
    HAS(h1, "<w:jc w:val=\"center\"/>");
    free(h1);
    char *h2 = unzip_member(path, "word/header2.xml");
    ck_assert_ptr_null(strstr(h2, "PAGE"));   /* the first page has no number */
    free(h2);
    char *core = unzip_member(path, "docProps/core.xml");
    HAS(core, "<dc:title>Báo cáo &lt;thử&gt; &amp; &quot;kiểm&quot;</dc:title>");
    free(core);
done:;
    /* the same bytes twice (fixed dates in the zip) */
    size_t l1, l2;
    char *a = tu_read(path, &l1);
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_DOCX, path, NULL, &err), DVK_OK);
    char *b = tu_read(path, &l2);
    ck_assert_uint_eq(l1, l2);
    ck_assert_int_eq(memcmp(a, b, l1), 0);
    free(a);
    free(b);
    /* not into memory: the binary formats go through a file */
    char *out;
    size_t len;
    ck_assert_int_eq(dvk_render_buffer(doc, DVK_FORMAT_DOCX, &out, &len, &err), DVK_EUSAGE);
    dvk_doc_free(doc);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(pdf_without_converter)
{
    dvk_error err;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "out.pdf");
    dvk_doc *doc = sample();
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    setenv("PATH", "/nonexistent", 1);
    char prog[256];
    ck_assert_ptr_null(dvk_render_pdf_tool(prog, sizeof prog));
    ck_assert_int_eq(dvk_render_file(doc, DVK_FORMAT_PDF, path, NULL, &err), DVK_EDATA);
    HAS(err.msg, "PDF needs LibreOffice (soffice) or Chromium");
    ck_assert_int_eq(tu_entries(dir), 0);   /* nothing written */
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }
    dvk_doc_free(doc);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, format_names);
    tcase_add_test(tc, markdown);
    tcase_add_test(tc, html);
    tcase_add_test(tc, chart_extremes);
    tcase_add_test(tc, html_letterhead_and_signature);
    tcase_add_test(tc, csv);
    tcase_add_test(tc, json);
    tcase_add_test(tc, files_are_atomic);
    tcase_add_test(tc, xlsx);
    tcase_add_test(tc, xlsx_cut_short);
    tcase_add_test(tc, docx);
    tcase_add_test(tc, pdf_without_converter);
    suite_add_tcase(s, tc);
    return s;
}
