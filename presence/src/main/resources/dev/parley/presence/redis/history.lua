-- KEYS: seq log   ARGV: epoch offset
-- returns {0} when the gap cannot be replayed, {1} nothing missed, {1, entries} the missed events
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch ~= ARGV[1] then return {0} end
local cur = tonumber(redis.call('HGET', KEYS[1], 'off') or '0')
local after = tonumber(ARGV[2])
if after > cur then return {0} end
if after == cur then return {1} end
local first = '0-' .. (after + 1)
local entries = redis.call('XRANGE', KEYS[2], first, '+')
if #entries == 0 or entries[1][1] ~= first then return {0} end
return {1, entries}
