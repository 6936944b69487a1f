-- KEYS: conn cnt dl   ARGV: connId deadline
-- returns 0 not in the room, 1 the user still has a tab here, 2 grace period started
local u = redis.call('HGET', KEYS[1], ARGV[1])
if not u then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local c = redis.call('HINCRBY', KEYS[2], u, -1)
if c <= 0 then
  redis.call('HSET', KEYS[2], u, 0)
  redis.call('ZADD', KEYS[3], ARGV[2], u)
  return 2
end
return 1
