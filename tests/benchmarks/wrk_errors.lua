-- Report what tests/benchmarks/test_load.py records, one "name value" a line.
-- wrk itself counts a 3xx as a success; here anything but a 2xx is an error.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local not_2xx_total = 0
  for _, thread in ipairs(threads) do
    not_2xx_total = not_2xx_total + thread:get("not_2xx")
  end
  local errors = summary.errors
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("seconds %.3f\n", summary.duration / 1e6))
  io.write(string.format("not_2xx %d\n", not_2xx_total))
  io.write(string.format("socket_errors %d\n",
    errors.connect + errors.read + errors.write + errors.timeout))
  io.write(string.format("p50_ms %.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.1f\n", latency:percentile(99) / 1000))
end
