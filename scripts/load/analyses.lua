-- analyses.lua — POSTs the scenario document of ANALYSIS_DOC to
-- ANALYSIS_PATH (/api/v1/scores), a weight (@WEIGHT@) changed each time
-- so that each is scored anew, with one connection per thread (wrk -tN
-- -cN). A thread answered 503 (every analysis turn and queue place
-- taken) waits the Retry-After the server sends, as a client should.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local path = os.getenv("ANALYSIS_PATH")
local f = assert(io.open(os.getenv("ANALYSIS_DOC")))
local doc = f:read("*a")
f:close()
local n, wait = 0, 0
function request()
	n = n + 1
	local body = doc:gsub("@WEIGHT@", tostring(1 + (id * 7 + n) % 9))
	return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end
function delay()
	local d = wait
	wait = 0
	return d
end
function response(status, headers, body)
	count(status)
	if status == 503 then
		wait = 1000 * (tonumber(headers["Retry-After"]) or 1)
	end
end
