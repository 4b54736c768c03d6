return dvk.province {
  code = "fuzz", nam = "Fuzz", levels = { "co-so", "co-so" },
  criteria = { { id = "a", max = 0 }, { id = "a", max = -1 } },
  outcomes = { { id = "x", min = 5 }, { id = "y", min = 9 } },
  quotas = { { level = "tinh", outcome = "z", max = 1 } },
}