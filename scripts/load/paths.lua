-- paths.lua — GETs the paths of the file PATHS_FILE in turn, each thread
-- from its own place in the list, with Accept-Encoding: gzip as browsers
-- send it. With KIND set (mixed-load.sh) it counts the answers by
-- status; without (tiles-load.sh) it does not, so that wrk need not hand
-- every body to Lua.
dofile(os.getenv("LOAD_LUA") .. "/stats.lua")
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local i
function init(args)
	i = (id * 7919) % #paths
end
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], { ["Accept-Encoding"] = "gzip" })
end
if os.getenv("KIND") then
	function response(status, headers, body)
		count(status)
	end
end
