return dvk.province {
  code = "fuzz", name = "Fuzz", basis = "b", levels = { "co-so" },
  fields = { { id = "kt", name = "Kinh tế" } },
  criteria = { { id = "a", name = "A", max = 10, score = function(m, ctx) return 1 end } },
  outcomes = { { id = "x", name = "X", min = 5 }, { id = "y", name = "Y" } },
}