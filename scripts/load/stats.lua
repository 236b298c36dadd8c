-- stats.lua — what the load scripts' wrk scripts share (they dofile it):
-- each thread counts its answers by status; when the run is done, one
-- line for the shell script to read:
--   RESULT KIND REQUESTS SECONDS REQUESTS/S P50-MS P99-MS MAX-MS STATUS:N,… SOCKET-ERRORS
-- (latencies are wrk's, of every answer), when KIND is set. A script
-- may define report(threads) to print more from its threads' globals.
local threads = {}
function setup(thread)
	thread:set("id", #threads)
	threads[#threads + 1] = thread
end

statuses = {}
function count(status)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	if not os.getenv("KIND") then
		return -- tiles-load.sh reads wrk's own report
	end
	local total = {}
	for _, t in ipairs(threads) do
		for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
	end
	local keys = {}
	for k in pairs(total) do keys[#keys + 1] = k end
	table.sort(keys)
	local parts = {}
	for _, k in ipairs(keys) do parts[#parts + 1] = k .. ":" .. total[k] end
	local e, s = summary.errors, summary.duration / 1e6
	io.write(string.format("RESULT %s %d %.1f %.1f %.2f %.2f %.2f %s %d\n", os.getenv("KIND") or "-",
		summary.requests, s, summary.requests / s, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		latency.max / 1000, #parts > 0 and table.concat(parts, ",") or "-", e.connect + e.read + e.write + e.timeout))
	if report then report(threads) end
end
