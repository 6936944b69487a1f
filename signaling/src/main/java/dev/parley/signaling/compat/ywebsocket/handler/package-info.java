/** Handles one decoded y-websocket frame from a connection: sync, awareness, auth, read-only refusals. */
package dev.parley.signaling.compat.ywebsocket.handler;
