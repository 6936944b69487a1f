-- Shared prelude: append one event to a channel's log (stream entry id 0-<offset>) and publish it.
-- seq: hash {epoch, off}; a missing seq means the log's history is gone: start a new epoch.
local function emit(seq, log, chan, bound, epoch0, t, u, x)
  if redis.call('HSETNX', seq, 'epoch', epoch0) == 1 then
    redis.call('DEL', log)
  end
  local epoch = redis.call('HGET', seq, 'epoch')
  local off = redis.call('HINCRBY', seq, 'off', 1)
  redis.call('XADD', log, 'MAXLEN', bound, '0-' .. off, 't', t, 'u', u, 'x', x)
  redis.call('PUBLISH', chan, epoch .. '\n' .. off .. '\n' .. t .. '\n' .. u .. '\n' .. x)
end
