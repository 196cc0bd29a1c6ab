-- wrk script for tests/bench/sim_wrk.sh: a small chat completion POST on every request.
-- SIM_STREAM=1 asks for a streaming answer; SIM_API=anthropic posts to /messages.
local api = os.getenv("SIM_API") or "openai"
local stream = os.getenv("SIM_STREAM") == "1"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if api == "anthropic" then
   wrk.path = wrk.path .. "/messages"
   wrk.headers["anthropic-version"] = "2023-06-01"
else
   wrk.path = wrk.path .. "/chat/completions"
end
wrk.body = '{"model":"sim-small","max_tokens":64,"stream":' .. tostring(stream) ..
   ',"messages":[{"role":"user","content":"Say something about connection pools."}]}'
-- No response() callback: it would make wrk hand every response to Lua. wrk reports
-- "Non-2xx or 3xx responses" by itself.
