-- KEYS: st chosen ls log seq rooms   ARGV: userId status now epoch0 bound chan
-- returns {} or {status, lastSeen, rooms} when the status changed
local st = redis.call('HGET', KEYS[1], ARGV[1])
if (not st) or st == 'offline' then return {} end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if st == ARGV[2] then return {} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
emit(KEYS[5], KEYS[4], ARGV[6], ARGV[5], ARGV[4], 'status', ARGV[1], ARGV[2] .. '|' .. ARGV[3])
return {ARGV[2], ARGV[3], redis.call('SMEMBERS', KEYS[6])}
