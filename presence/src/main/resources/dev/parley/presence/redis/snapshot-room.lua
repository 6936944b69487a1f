-- KEYS: cnt meta seq log   ARGV: epoch0 idleTtlMs
-- returns {epoch, offset, HGETALL meta, HGETALL cnt}
if redis.call('HSETNX', KEYS[3], 'epoch', ARGV[1]) == 1 then
  redis.call('DEL', KEYS[4])
  if redis.call('HLEN', KEYS[2]) == 0 then
    redis.call('PEXPIRE', KEYS[3], ARGV[2])   -- a query of an empty room leaves nothing behind for long
  end
end
local epoch = redis.call('HGET', KEYS[3], 'epoch')
local off = redis.call('HGET', KEYS[3], 'off') or '0'
return {epoch, off, redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[1])}
