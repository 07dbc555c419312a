-- PATCH one object with the same small JSON body each time: a static request, formatted once.
wrk.method = "PATCH"
wrk.body = '{"description": "updated under load"}'
wrk.headers["Content-Type"] = "application/json"
