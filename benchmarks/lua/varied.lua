-- GET with a query parameter no server knows added to each request (`_q=<prefix>-<thread>-<counter>`):
-- unknown parameters are ignored, but no cache keyed by the query string can answer, so the store
-- does the selection work on every request.
wrk.method = "GET"

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

local prefix = "q"
local counter = 0
function init(args)
   if args[1] then
      prefix = args[1]
   end
end

function request()
   counter = counter + 1
   local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
   return wrk.format(nil, string.format("%s%s_q=%s-%d-%d", wrk.path, separator, prefix, tid, counter))
end
