-- wrk script for aggregate.sh, scenario "sequential": every logical client call is three requests made one
-- after the other (each sent only once the previous answer is in), GET /users/u1 -> /orders?user=u1 ->
-- /prefs/u1, and the script times each whole cycle itself with CLOCK_MONOTONIC (wrk's own latency figures
-- are per request).
--
-- wrk's Lua hooks do not say which connection a request() or response() belongs to, so the script keeps
-- its own logical clients: request() takes a client whose previous answer has arrived (a FIFO queue of
-- ready clients; a new client when none is ready, i.e. for each new connection) and tags the request with
-- the client's number in an X-Flow header; the origin echoes X-Flow back (add_header), and response() uses
-- it to find the client the answer belongs to. Each client therefore has exactly one request in flight and
-- issues its next one only after its previous answer; there are never more clients in flight than
-- connections. A client whose connection dies loses its cycle (not counted). wrk calls request() once more
-- on thread 1 to check the script before it connects; that client never sends and never completes.
--
-- Output: done() writes every completed cycle's latency in microseconds, one per line, to the file named
-- by $AGG_CYCLES_OUT (all threads; each thread's samples come over with thread:get).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } agg_timespec;
  int clock_gettime(int clk_id, agg_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("agg_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local steps = { "/users/u1", "/orders?user=u1", "/prefs/u1" }
local reqs = {}                 -- reqs[step][client id] = the request bytes, made once
local function req(step, id)
  local byId = reqs[step]
  local r = byId[id]
  if not r then r = wrk.format("GET", steps[step], { ["X-Flow"] = tostring(id) }); byId[id] = r end
  return r
end

-- per-thread state (each wrk thread runs its own Lua state)
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  for i = 1, #steps do reqs[i] = {} end
  nclients = 0
  step, started = {}, {}       -- per client: next step to send (1..3), start of its current cycle (µs)
  ready, head, tail = {}, 1, 0 -- FIFO of clients whose last answer has arrived
  lat, ncycles, bad = {}, 0, 0 -- completed cycles' latencies (µs), their count, answers that were not 200
end

function request()
  local id
  if head <= tail then id = ready[head]; ready[head] = nil; head = head + 1
  else nclients = nclients + 1; id = nclients; step[id] = 1 end
  local s = step[id]
  if s == 1 then started[id] = now_us() end
  return req(s, id)
end

function response(status, headers, body)
  local id = tonumber(headers["X-Flow"] or headers["x-flow"])
  if not id or not step[id] then bad = bad + 1; return end
  if status ~= 200 then bad = bad + 1 end
  local s = step[id]
  if s == 3 then
    ncycles = ncycles + 1
    lat[ncycles] = now_us() - started[id]
    step[id] = 1
  else
    step[id] = s + 1
  end
  tail = tail + 1; ready[tail] = id
end

function done(summary, latency, requests)
  local path = os.getenv("AGG_CYCLES_OUT")
  if not path then return end
  local f = assert(io.open(path, "w"))
  for _, t in ipairs(threads) do
    local l = t:get("lat")
    for i = 1, #l do f:write(string.format("%.1f\n", l[i])) end
    f:write(string.format("# thread cycles=%d bad=%d clients=%d\n", t:get("ncycles"), t:get("bad"), t:get("nclients")))
  end
  f:close()
end
