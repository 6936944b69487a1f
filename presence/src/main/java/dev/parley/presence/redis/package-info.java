/** The only package that touches Lettuce: the Redis presence store (Lua scripts, Streams, pub/sub, leases) and RedisClusterBus. */
package dev.parley.presence.redis;
