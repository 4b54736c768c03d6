-- tests/data/coverage/lib/cov_diem.lua: a helper library for the coverage test province
-- (tests/cli/test_coverage.sh); one of its functions is never called by the tests.
local M = {}

-- Points for n of a metric, capped at max.
function M.theo(n, per, max)
  if n == nil then
    return 0
  end
  return math.min(max, n * per)
end

-- Never called by cov_test.lua: its lines must show as never run.
function M.khong_dung(x)
  local y = x * 2
  return y + 1
end

return M
