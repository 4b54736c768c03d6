-- scripts/lib/reports/giai-trinh.lua: giải trình từng mô hình: điều kiện, điểm từng tiêu chí kèm ghi chú, kết quả và tác động của chỉ tiêu
--
-- "Rõ người, rõ việc" (hướng dẫn của Nghệ An năm 2022): mỗi mô hình có một mục nêu điều kiện
-- không đạt (nếu có), điểm từng tiêu chí với ghi chú của kịch bản, tổng điểm, thứ hạng, kết
-- quả và lý do (kể cả khi bị chỉ tiêu đẩy xuống kết quả sau).

local bc = dvk.require("bao_cao")

return function(run, doc)
  local cap = bc.cap(run)
  doc:title(string.format("Giải trình kết quả xét mô hình \"Dân vận khéo\" %s năm %d - %s", cap,
                          run.year, run.province_name))
  doc:heading("GIẢI TRÌNH KẾT QUẢ XÉT CÔNG NHẬN", 1)
  doc:paragraph(string.format("Mô hình, điển hình \"Dân vận khéo\" %s năm %d - tỉnh %s", cap,
                              run.year, run.province_name), "bold center")
  doc:paragraph(bc.ghi_dot_xet(run), "italic center")

  local rows = run:results()
  local scores = run:scores()
  local summary = {}
  for i, r in ipairs(rows) do
    summary[i] = { i, r.code, r.name, r.total, r.rank, r.outcome_name }
  end
  doc:table{
    title = "Tổng hợp kết quả",
    columns = {
      { id = "stt", title = "STT", type = "int", width = 5 },
      { id = "ma", title = "Mã" },
      { id = "ten", title = "Tên mô hình, điển hình" },
      { id = "diem", title = "Tổng điểm", type = "num" },
      { id = "hang", title = "Hạng", type = "int" },
      { id = "ket_qua", title = "Kết quả" },
    },
    rows = summary,
  }

  -- One section per model; the points of every criterion are listed in it and, for
  -- spreadsheets, gathered in one table at the end (two tables whatever the run's size).
  local all = {}
  for i, r in ipairs(rows) do
    doc:heading(string.format("%d. %s - %s", i, r.code, r.name), 3)
    local kv = {
      { "Đơn vị", r.unit_name },
      { "Lĩnh vực", r.field_name },
      { "Đối tượng", r.kind_name .. ", " .. dvk.lower(r.category_name) .. ", "
          .. dvk.lower(r.registration_name) },
    }
    if r.eligible then
      kv[#kv + 1] = { "Điều kiện", "Đạt tất cả các điều kiện" }
    else
      kv[#kv + 1] = { "Điều kiện", "Không đạt: " .. (r.gate_name or r.gate or "") }
    end
    for _, sc in ipairs(scores[r.code] or {}) do
      local text = dvk.number(sc.points) .. "/" .. dvk.number(sc.max)
      if sc.note and sc.note ~= "" then text = text .. " - " .. sc.note end
      kv[#kv + 1] = { sc.name, text }
      all[#all + 1] = { r.code, r.name, sc.name, sc.points, sc.max, sc.note }
    end
    kv[#kv + 1] = { "Tổng điểm", dvk.number(r.total) }
    if r.rank then kv[#kv + 1] = { "Xếp hạng", tostring(r.rank) } end
    kv[#kv + 1] = { "Kết quả", r.outcome_name }
    if r.proposed then kv[#kv + 1] = { "Đề nghị cấp trên", "Có" } end
    if r.reason and r.reason ~= "" then kv[#kv + 1] = { "Lý do", r.reason } end
    doc:kv(kv)
  end
  doc:table{
    title = "Điểm theo tiêu chí",
    columns = {
      { id = "ma", title = "Mã" },
      { id = "ten", title = "Tên mô hình, điển hình" },
      { id = "tieu_chi", title = "Tiêu chí" },
      { id = "diem", title = "Điểm", type = "num" },
      { id = "toi_da", title = "Tối đa", type = "num" },
      { id = "ghi_chu", title = "Ghi chú" },
    },
    rows = all,
  }
end
