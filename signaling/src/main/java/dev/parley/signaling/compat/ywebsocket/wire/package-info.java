/**
 * y-websocket's wire format (lib0 varint framing, y-protocols sync / awareness / auth messages) and
 * a read-only scanner of Yjs v1 updates. No sockets, no state.
 */
package dev.parley.signaling.compat.ywebsocket.wire;
