-- 90% reads (one article by slug, a list of 20), 10% writes (a new draft), for wrk.
-- LECTERN_TOKEN: an editor's access token; SLUG: an article to read.
local token = os.getenv("LECTERN_TOKEN")
local slug = os.getenv("SLUG")
local n = 0
local threads = 0

-- Each thread gets its own number, so titles (and the slugs made from them) never collide.
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end

request = function()
  n = n + 1
  if n % 10 == 0 then
    local body = string.format('{"title":"Mixed load %s %d %d"}', id, n, os.time())
    return wrk.format("POST", "/api/v1/articles",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
  elseif n % 2 == 0 then
    return wrk.format("GET", "/api/v1/articles/" .. slug)
  end
  return wrk.format("GET", "/api/v1/articles?limit=20")
end
