-- scripts/lib/reports/bao-phu.lua: độ bao phủ: từng đơn vị trực thuộc có bao nhiêu mô hình đăng ký, được công nhận, được đề nghị lên trên; đơn vị chưa có mô hình được công nhận được nêu tên
--
-- Như báo cáo của Bình Thuận năm 2023: "13/14 đơn vị trực thuộc đã công nhận mô hình cấp
-- huyện; 1 đơn vị chưa xét". Đơn vị là các đơn vị trực thuộc phạm vi của đợt xét (tỉnh, hoặc
-- đơn vị của đợt xét), kể cả đơn vị không có hồ sơ nào. Với --successors, đơn vị không còn
-- tồn tại được tính vào đơn vị kế thừa.

local bc = dvk.require("bao_cao")

return function(run, doc)
  local cap = bc.cap(run)
  doc:title(string.format("Độ bao phủ mô hình \"Dân vận khéo\" %s năm %d - %s", cap, run.year,
                          run.province_name))
  doc:heading("BÁO CÁO ĐỘ BAO PHỦ", 1)
  doc:paragraph(string.format("Các đơn vị trực thuộc có mô hình, điển hình \"Dân vận khéo\" "
    .. "được công nhận %s năm %d", cap, run.year), "bold center")
  doc:paragraph(bc.ghi_dot_xet(run), "italic center")

  local stats = run:stats("unit")
  local rows, missing = {}, {}
  local covered = 0
  local t = { reg = 0, rec = 0, prop = 0 }
  for i, s in ipairs(stats) do
    local note = ""
    if s.registered == 0 then
      note = "Chưa có hồ sơ đăng ký"
    elseif s.recognised == 0 then
      note = "Chưa có mô hình được công nhận"
    end
    if s.recognised > 0 then
      covered = covered + 1
    else
      missing[#missing + 1] = s.name
    end
    rows[i] = { stt = i, don_vi = s.name, dang_ky = s.registered, cong_nhan = s.recognised,
                de_nghi = s.proposed, ghi_chu = note }
    t.reg = t.reg + s.registered
    t.rec = t.rec + s.recognised
    t.prop = t.prop + s.proposed
  end

  local summary = string.format("%s/%s đơn vị có mô hình được công nhận (%s)", dvk.number(covered),
                                dvk.number(#stats), bc.ghi_ty_le(covered, #stats))
  if #missing > 0 then
    summary = summary .. string.format("; %s đơn vị chưa có: %s.", dvk.number(#missing),
                                       table.concat(missing, ", "))
  else
    summary = summary .. "; tất cả các đơn vị đều có mô hình được công nhận."
  end
  doc:paragraph(summary)
  doc:kv{
    { "Số đơn vị", dvk.number(#stats) },
    { "Có mô hình được công nhận", dvk.number(covered) },
    { "Chưa có mô hình được công nhận", dvk.number(#missing) },
    { "Tỷ lệ bao phủ", bc.ghi_ty_le(covered, #stats) },
  }
  local notes = {}
  if run.options.successors then
    notes[1] = "Đơn vị không còn tồn tại (sáp nhập, giải thể) được tính vào đơn vị kế thừa."
  end
  -- Nothing is proposed above the province's top level: no column for it there.
  local levels = run.province_info.levels or {}
  local columns = {
    { id = "stt", title = "STT", type = "int", width = 5 },
    { id = "don_vi", title = "Đơn vị" },
    { id = "dang_ky", title = "Đăng ký", type = "int" },
    { id = "cong_nhan", title = "Công nhận", type = "int" },
  }
  if levels[#levels] ~= run.level then
    columns[#columns + 1] = { id = "de_nghi", title = "Đề nghị cấp trên", type = "int" }
  end
  columns[#columns + 1] = { id = "ghi_chu", title = "Ghi chú" }
  doc:table{
    title = "Độ bao phủ theo đơn vị",
    columns = columns,
    rows = rows,
    totals = { don_vi = "Tổng cộng", dang_ky = t.reg, cong_nhan = t.rec, de_nghi = t.prop },
    footnotes = notes,
  }
end
