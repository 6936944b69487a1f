-- KEYS: cnt st chosen ls dl log seq   ARGV: now epoch0 bound chan
-- returns the users that went offline
local due = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', ARGV[1])
local out = {}
for _, u in ipairs(due) do
  redis.call('ZREM', KEYS[5], u)
  if tonumber(redis.call('HGET', KEYS[1], u) or '0') <= 0 then
    redis.call('HSET', KEYS[2], u, 'offline')
    redis.call('HSET', KEYS[4], u, ARGV[1])
    redis.call('HDEL', KEYS[3], u)
    emit(KEYS[7], KEYS[6], ARGV[4], ARGV[3], ARGV[2], 'status', u, 'offline|' .. ARGV[1])
    table.insert(out, u)
  end
end
return out
