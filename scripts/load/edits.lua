-- edits.lua — concurrent edits of one scenario (SCENARIO_ID), run with
-- one connection per thread (wrk -tN -cN) so that each thread is one
-- editor: it reads the scenario for its ETag, then PUTs the document of
-- EDIT_DOC (a weight, @WEIGHT@, different in every edit of every
-- editor, so that no save repeats the document it replaces: that would be
-- answered 200 with no new revision) with If-Match naming
-- that revision; a 412 (someone else saved first) sends it back to read
-- the scenario again. report prints
--   EDITS SAVED DISTINCT-REVISIONS
-- the PUTs answered 200 and how many different revisions they returned:
-- every save is a revision of its own unless an update was lost.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local path = "/api/v1/scenarios/" .. os.getenv("SCENARIO_ID")
local f = assert(io.open(os.getenv("EDIT_DOC")))
local doc = f:read("*a")
f:close()
local etag, n = nil, 0
saved, revisions = 0, {}
function request()
	if etag == nil then
		return wrk.format("GET", path)
	end
	n = n + 1
	local body = doc:gsub("@WEIGHT@", string.format("%.3f", 1 + (n * 16 + id) / 1000))
	return wrk.format("PUT", path .. "?note=load", { ["If-Match"] = etag, ["Content-Type"] = "application/json" }, body)
end
function response(status, headers, body)
	count(status)
	etag = nil
	if status ~= 200 then
		return -- 412: read it again
	end
	etag = headers["Etag"] or headers["ETag"]
	local rev = body:match('^{"id":"[^"]*","revision":(%d+)')
	if rev then -- a PUT's answer, not the document
		saved = saved + 1
		revisions[#revisions + 1] = tonumber(rev)
	end
end
function report(threads)
	local total, seen, distinct = 0, {}, 0
	for _, t in ipairs(threads) do
		total = total + t:get("saved")
		for _, r in ipairs(t:get("revisions")) do
			if not seen[r] then
				seen[r] = true
				distinct = distinct + 1
			end
		end
	end
	io.write(string.format("EDITS %d %d\n", total, distinct))
end
