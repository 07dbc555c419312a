-- GET with the headers given on wrk's command line: a static request, formatted once per thread.
wrk.method = "GET"
