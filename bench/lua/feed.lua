-- wrk script for the feed benchmark (bench/posts-load.sh). FEED_MODE picks what each request is:
--   home        the app's home feed, a random one of the first 50 pages of 20
--   count-hot   one filtered count, the same each time (what a user sees while a filter rests)
--   count-cold  a filtered count with random bounds, so almost every request misses the
--               count cache (a user dragging the sliders)
--   detail      GET /posts/<uuid>, a random one of the uuids listed in UUIDS_FILE
-- Environment: FEED_MODE, BRANDS (comma-separated brand uuids), UUIDS_FILE (detail).
-- Every request says it takes gzip, as the app's HTTP client does (Dart's HttpClient asks for it
-- and unpacks it by itself); the server sends the gzip copy of its rendered answers then.

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local function split(text)
  local items = {}
  for item in string.gmatch(text or "", "[^,%s]+") do
    table.insert(items, item)
  end
  return items
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  mode = os.getenv("FEED_MODE")
  brands = split(os.getenv("BRANDS"))
  uuids = {}
  if mode == "detail" then
    for line in io.lines(os.getenv("UUIDS_FILE")) do
      table.insert(uuids, line)
    end
  end
end

local home = "/api/v1/posts?limit=20&brand=true&model=true&photo=true&subscription=true&status=true&offset="

function request()
  local path
  if mode == "home" then
    path = home .. (20 * math.random(0, 49))
  elseif mode == "count-hot" then
    path = "/api/v1/posts?countOnly=true&status=true&brandFilter=" .. brands[1] ..
      "&minYear=2010&maxPrice=400000"
  elseif mode == "count-cold" then
    path = "/api/v1/posts?countOnly=true&status=true&brandFilter=" ..
      brands[math.random(1, #brands)] .. "&minYear=" .. math.random(2000, 2024) ..
      "&maxPrice=" .. (1000 * math.random(100, 900))
  else
    path = "/api/v1/posts/" .. uuids[math.random(1, #uuids)]
  end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. "\n")
  end
end
