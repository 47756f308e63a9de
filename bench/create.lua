-- Every request creates a draft article, for wrk: how many creations a second the database
-- commits durably. LECTERN_TOKEN: an editor's access token.
local token = os.getenv("LECTERN_TOKEN")
local n = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end

request = function()
  n = n + 1
  local body = string.format('{"title":"Created %s %d %d"}', id, n, os.time())
  return wrk.format("POST", "/api/v1/articles",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
