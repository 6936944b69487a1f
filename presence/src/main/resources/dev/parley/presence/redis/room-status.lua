-- KEYS: meta log seq   ARGV: userId status lastSeen epoch0 bound chan
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
emit(KEYS[3], KEYS[2], ARGV[6], ARGV[5], ARGV[4], 'status', ARGV[1], ARGV[2] .. '|' .. ARGV[3])
return 1
