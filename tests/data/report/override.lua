  -- tests/data/report/override.lua: inserted into the test province by
  -- tests/cli/report_override.sh: a province's own reports win over the built-in ones.
  reports = {
    ["thong-ke"] = function(run, doc)
      doc:heading("THỐNG KÊ RIÊNG CỦA TỈNH THỬ NGHIỆM", 1)
      local rows = {}
      for i, s in ipairs(run:stats("field")) do rows[i] = { s.name, s.registered, s.recognised } end
      doc:table{ title = "Theo lĩnh vực",
                 columns = { { id = "f", title = "Lĩnh vực" },
                             { id = "r", title = "Đăng ký", type = "int" },
                             { id = "c", title = "Công nhận", type = "int" } },
                 rows = rows, totals = true }
    end,
    ["danh-sach"] = function(run, doc)
      local list = run:results{ recognised = true }
      table.sort(list, function(a, b) return dvk.collate(a.name, b.name) < 0 end)
      for _, r in ipairs(list) do doc:paragraph(r.code .. " " .. r.name) end
    end,
    ["loi"] = function(run, doc)
      doc:table{ columns = { { id = "a", type = "ngay" } } }
    end,
  },
