-- Decides one call over all its token buckets, or reads them: atomically, in one round trip.
-- Units and the 2^53 bound: see RedisUnits. Layout: see RedisBucketStore.
--
-- ARGV[1]  the time in microseconds, or '' for Redis TIME (a fixed time is passed only by tests)
-- ARGV[2]  tokens to take from every bucket; 0 to only read them; negative to give that many back
--          (a refund: with Redis Cluster, when a tool's global bucket in another slot refused after
--          the caller's buckets were charged, so that the decision stays all-or-none)
-- then per bucket, 5 values: index into KEYS, field prefix, capacity (tokens), credit per token,
--          credit per microsecond
-- Returns {1 if every bucket held the tokens and all were charged (else none was; always 1 for a
-- refund), then each bucket's credit after the decision}.

local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local tokens = tonumber(ARGV[2])
local n = (#ARGV - 2) / 5

-- Below 2^53 the floor of a double quotient is the exact integer quotient.
local function ceil_div(a, b)
  return math.floor((a + b - 1) / b)
end

-- Whole numbers as digits: tostring would print 1.7e+15 and lose digits.
local function digits(x)
  return string.format('%.0f', x)
end

-- A balance stored under another limit: its whole tokens, plus the same fraction of a token,
-- capped at the new burst (as BucketLimit.convertFrom does in the JVM).
local function convert(credit, old_per_token, capacity, per_token)
  local whole = math.floor(credit / old_per_token)
  if whole >= capacity then
    return capacity * per_token
  end
  local fraction = credit - whole * old_per_token
  local scaled = math.floor(fraction / old_per_token * per_token)
  return whole * per_token + math.min(scaled, per_token - 1)
end

local key, field, capacity, per_token, per_micro, full, credit, stamp, present = {}, {}, {}, {}, {}, {}, {}, {}, {}
local admitted = tokens > 0
for i = 1, n do
  local a = 2 + (i - 1) * 5
  key[i] = KEYS[tonumber(ARGV[a + 1])]
  field[i] = ARGV[a + 2]
  capacity[i] = tonumber(ARGV[a + 3])
  per_token[i] = tonumber(ARGV[a + 4])
  per_micro[i] = tonumber(ARGV[a + 5])
  full[i] = capacity[i] * per_token[i]
  local state = redis.call('HMGET', key[i], field[i] .. 'c', field[i] .. 's', field[i] .. 'u')
  local c, s = full[i], now
  present[i] = state[1] ~= false
  if state[1] then
    c = tonumber(state[1])
    s = tonumber(state[2])
    local unit = tonumber(state[3])
    if unit ~= per_token[i] then
      c = convert(c, unit, capacity[i], per_token[i])
    elseif c > full[i] then
      c = full[i]
    end
    if now > s then
      -- Compared in time, not credit: a long idle time never multiplies into a huge number.
      if now - s >= ceil_div(full[i] - c, per_micro[i]) then
        c = full[i]
      else
        c = c + (now - s) * per_micro[i]
      end
      s = now
    end
  end
  credit[i] = c
  stamp[i] = s
  if c < tokens * per_token[i] then
    admitted = false
  end
end

if tokens < 0 then
  -- A refund: each bucket still there gets the tokens back, capped at its burst (compared before
  -- adding, so the sum stays below 2^53). A bucket that is gone was full and stays gone; the expiry
  -- is left as it is, since a fuller bucket is full again no later than before.
  for i = 1, n do
    if present[i] then
      local back = -tokens * per_token[i]
      credit[i] = (full[i] - credit[i] <= back) and full[i] or credit[i] + back
      redis.call('HSET', key[i], field[i] .. 'c', digits(credit[i]), field[i] .. 's', digits(stamp[i]),
        field[i] .. 'u', digits(per_token[i]))
    end
  end
  admitted = true
elseif admitted then
  -- A key lives until its last bucket would be full again: a full bucket is not worth keeping.
  local expire = {}
  for i = 1, n do
    credit[i] = credit[i] - tokens * per_token[i]
    redis.call('HSET', key[i], field[i] .. 'c', digits(credit[i]), field[i] .. 's', digits(stamp[i]),
      field[i] .. 'u', digits(per_token[i]))
    -- Two milliseconds over, never short (floor plus one rounds up; the other one is a margin).
    local millis = math.floor(ceil_div(full[i] - credit[i], per_micro[i]) / 1000) + 2
    if not expire[key[i]] or expire[key[i]] < millis then
      expire[key[i]] = millis
    end
  end
  for k, millis in pairs(expire) do
    if redis.call('PTTL', k) < millis then
      redis.call('PEXPIRE', k, digits(millis))
    end
  end
end

local result = {admitted and 1 or 0}
for i = 1, n do
  result[i + 1] = credit[i]
end
return result
