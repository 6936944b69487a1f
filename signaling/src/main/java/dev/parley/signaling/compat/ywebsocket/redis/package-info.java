/** Persistence of y-websocket rooms in Redis (one list of update blobs per room); the only package that touches Lettuce. */
package dev.parley.signaling.compat.ywebsocket.redis;
