-- wrk pacing: each connection waits DELAY_MS after an answer before its next request, so C connections send about
-- C * 1000 / (DELAY_MS + latency) requests per second. The path comes from the environment (URL_PATH).
local delay_ms = tonumber(os.getenv("DELAY_MS") or "100")
wrk.path = os.getenv("URL_PATH") or wrk.path

function delay()
  return delay_ms
end
