-- KEYS: conn cnt meta dl log seq   ARGV: now epoch0 bound chan idleTtlMs
-- returns {users that left, next deadline or nil}
local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1])
local gone = {}
for _, u in ipairs(due) do
  redis.call('ZREM', KEYS[4], u)
  local c = tonumber(redis.call('HGET', KEYS[2], u) or '0')
  if c <= 0 then
    redis.call('HDEL', KEYS[2], u)
    redis.call('HDEL', KEYS[3], u)
    emit(KEYS[6], KEYS[5], ARGV[4], ARGV[3], ARGV[2], 'leave', u, '')
    table.insert(gone, u)
  end
end
if redis.call('HLEN', KEYS[3]) == 0 then
  redis.call('PEXPIRE', KEYS[5], ARGV[5])
  redis.call('PEXPIRE', KEYS[6], ARGV[5])
end
local nxt = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
return {gone, nxt[2] or false}
