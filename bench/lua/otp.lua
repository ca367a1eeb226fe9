-- wrk script for POST /otp/send and POST /otp/verify over many distinct test numbers.
-- Each thread walks its own slice of the number range, so every phone gets exactly one send in
-- the send phase and one verify in the verify phase (a real first login each time).
-- Environment: OTP_PATH (/api/v1/otp/send or /api/v1/otp/verify), PHONE_BASE (e.g. 99365000000).

local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", counter)
  thread:set("nthreads", 0)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  path = os.getenv("OTP_PATH")
  base = tonumber(os.getenv("PHONE_BASE"))
  step = tonumber(os.getenv("THREADS"))
  next_index = id - 1
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local phone = string.format("%d", base + next_index)
  next_index = next_index + step
  local body
  if path:find("verify") then
    body = '{"phone":"' .. phone .. '","otp":"12345"}'
  else
    body = '{"phone":"' .. phone .. '"}'
  end
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do
      totals[code] = (totals[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(totals) do
    table.insert(parts, code .. "=" .. n)
  end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
