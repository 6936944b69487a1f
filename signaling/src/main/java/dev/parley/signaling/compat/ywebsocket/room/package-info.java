/**
 * Relay state, no sockets: a room's stored update blobs and the ids they cover, its awareness
 * table, each connection's bounded outbox (documents never dropped, awareness coalesced), and the
 * room registry with optional persistence behind {@link dev.parley.signaling.compat.ywebsocket.room.UpdateStore}.
 */
package dev.parley.signaling.compat.ywebsocket.room;
