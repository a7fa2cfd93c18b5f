-- wrk script: many simulated endpoints posting progress events, each to a
-- deployment picked at random from DEPLOYMENT_IDS (one id per line), each
-- event with its own event_id (threads and runs get distinct prefixes).
local ids = {}
for line in io.lines(os.getenv("DEPLOYMENT_IDS")) do ids[#ids + 1] = line end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tag", (os.getenv("RUN_TAG") or "run") .. "-" .. threads)
end
local counter = 0
local headers = { ["Content-Type"] = "application/json" }
function init(args)
  math.randomseed(os.time() + #tag * 7919 + threads)
end
function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  local body = '{"event_id":"' .. tag .. '-' .. counter .. '","phase":"apps","step":1,"step_count":9,' ..
               '"percent":' .. (counter % 100) .. ',"message":"installing package ' .. counter .. '"}'
  return wrk.format("POST", "/api/v1/endpoint/deployments/" .. id .. "/events", headers, body)
end
