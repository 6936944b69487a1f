-- KEYS: nodes reaping   ARGV: now claimUntil
-- moves nodes whose lease expired to the reaping set (held by the caller until claimUntil)
local out = {}
for _, n in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])) do
  redis.call('ZREM', KEYS[1], n)
  redis.call('ZADD', KEYS[2], ARGV[2], n)
  table.insert(out, n)
end
for _, n in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])) do
  redis.call('ZADD', KEYS[2], ARGV[2], n)
  table.insert(out, n)
end
return out
