-- KEYS: conn cnt st chosen ls dl log seq rooms   ARGV: connId userId now epoch0 bound chan
-- returns {} or {status, lastSeen, rooms} when the user came online
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return {} end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('ZREM', KEYS[6], ARGV[2])
local st = redis.call('HGET', KEYS[3], ARGV[2])
if st and st ~= 'offline' then return {} end
local s = redis.call('HGET', KEYS[4], ARGV[2]) or 'online'
redis.call('HSET', KEYS[3], ARGV[2], s)
redis.call('HSET', KEYS[5], ARGV[2], ARGV[3])
emit(KEYS[8], KEYS[7], ARGV[6], ARGV[5], ARGV[4], 'status', ARGV[2], s .. '|' .. ARGV[3])
return {s, ARGV[3], redis.call('SMEMBERS', KEYS[9])}
