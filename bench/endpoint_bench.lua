-- wrk script: POST the facts of a known device to the plan route.
-- The body comes from the environment (PLAN_BODY), set by endpoint_bench.sh.
wrk.method = "POST"
wrk.body = os.getenv("PLAN_BODY")
wrk.headers["Content-Type"] = "application/json"
