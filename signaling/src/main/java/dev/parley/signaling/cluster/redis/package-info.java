/** {@link dev.parley.signaling.cluster.RoomDirectory} on Redis (Lettuce, Lua): the only Lettuce code of signaling. */
package dev.parley.signaling.cluster.redis;
