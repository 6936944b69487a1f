-- KEYS: st ls cnt seq log   ARGV: epoch0 user...
-- returns {epoch, offset, statuses, lastSeens, counts}
if redis.call('HSETNX', KEYS[4], 'epoch', ARGV[1]) == 1 then
  redis.call('DEL', KEYS[5])
end
local epoch = redis.call('HGET', KEYS[4], 'epoch')
local off = redis.call('HGET', KEYS[4], 'off') or '0'
local users = {}
for i = 2, #ARGV do users[#users + 1] = ARGV[i] end
if #users == 0 then return {epoch, off, {}, {}, {}} end
return {epoch, off, redis.call('HMGET', KEYS[1], unpack(users)), redis.call('HMGET', KEYS[2], unpack(users)),
        redis.call('HMGET', KEYS[3], unpack(users))}
