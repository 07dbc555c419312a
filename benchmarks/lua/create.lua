-- POST a new project code per request. `code` must be unique, so each one is built from a prefix
-- given after `--` on wrk's command line (one per wrk invocation), the thread number and a counter.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

local prefix = "B"
local counter = 0
function init(args)
   if args[1] then
      prefix = args[1]
   end
end

function request()
   counter = counter + 1
   local body = string.format('{"code": "%s-%d-%d", "description": "created under load"}', prefix, tid, counter)
   return wrk.format(nil, nil, nil, body)
end
