-- KEYS: conn cnt meta dl log seq   ARGV: connId userId metaJson epoch0 bound chan
-- returns 0 already in the room, 1 another tab of a member, 2 a new member (join emitted)
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local c = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('PERSIST', KEYS[5])
redis.call('PERSIST', KEYS[6])
if redis.call('HSETNX', KEYS[3], ARGV[2], ARGV[3]) == 1 then
  emit(KEYS[6], KEYS[5], ARGV[6], ARGV[5], ARGV[4], 'join', ARGV[2], ARGV[3])
  return 2
end
return 1
