-- Gives tokens back to buckets charged by buckets.lua: used only with Redis Cluster, when a
-- caller's buckets were charged by one call and a tool's global bucket (in another slot) then
-- refused, so that the decision stays all-or-none. Arguments as for buckets.lua:
--
-- ARGV[1]  the time in microseconds, or '' for Redis TIME (a fixed time is passed only by tests)
-- ARGV[2]  tokens to give back to every bucket
-- then per bucket, 5 values: index into KEYS, field prefix, capacity (tokens), credit per token,
--          credit per microsecond
-- Returns {1, then each bucket's credit after the refund}. Each bucket is refilled to now, given
-- the tokens back and capped at its burst: never more than a full bucket. A bucket that is gone
-- (expired: it was full) stays gone, it reads as full. The expiry is left as it is: a fuller
-- bucket is full again no later than before.

local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local tokens = tonumber(ARGV[2])
local n = (#ARGV - 2) / 5

local function ceil_div(a, b)
  return math.floor((a + b - 1) / b)
end

local function digits(x)
  return string.format('%.0f', x)
end

-- As in buckets.lua: a balance stored under another limit (a reload in between).
local function convert(credit, old_per_token, capacity, per_token)
  local whole = math.floor(credit / old_per_token)
  if whole >= capacity then
    return capacity * per_token
  end
  local fraction = credit - whole * old_per_token
  local scaled = math.floor(fraction / old_per_token * per_token)
  return whole * per_token + math.min(scaled, per_token - 1)
end

local result = {1}
for i = 1, n do
  local a = 2 + (i - 1) * 5
  local key = KEYS[tonumber(ARGV[a + 1])]
  local field = ARGV[a + 2]
  local capacity = tonumber(ARGV[a + 3])
  local per_token = tonumber(ARGV[a + 4])
  local per_micro = tonumber(ARGV[a + 5])
  local full = capacity * per_token
  local c = full
  local state = redis.call('HMGET', key, field .. 'c', field .. 's', field .. 'u')
  if state[1] then
    c = tonumber(state[1])
    local s = tonumber(state[2])
    local unit = tonumber(state[3])
    if unit ~= per_token then
      c = convert(c, unit, capacity, per_token)
    elseif c > full then
      c = full
    end
    if now > s then
      if now - s >= ceil_div(full - c, per_micro) then
        c = full
      else
        c = c + (now - s) * per_micro
      end
      s = now
    end
    -- Compared before adding: the sum stays below 2^53 (at most two bursts' credit).
    if full - c <= tokens * per_token then
      c = full
    else
      c = c + tokens * per_token
    end
    redis.call('HSET', key, field .. 'c', digits(c), field .. 's', digits(s), field .. 'u', digits(per_token))
  end
  result[i + 1] = c
end
return result
