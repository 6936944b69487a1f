-- KEYS: cnt meta seq log   ARGV: epoch0
-- returns {epoch, offset, HGETALL meta, HGETALL cnt}
if redis.call('HSETNX', KEYS[3], 'epoch', ARGV[1]) == 1 then
  redis.call('DEL', KEYS[4])
end
local epoch = redis.call('HGET', KEYS[3], 'epoch')
local off = redis.call('HGET', KEYS[3], 'off') or '0'
return {epoch, off, redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[1])}
