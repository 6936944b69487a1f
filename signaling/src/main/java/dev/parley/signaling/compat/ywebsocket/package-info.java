/**
 * {@code /compat/y-websocket/{room}}: a relay that speaks y-websocket's binary protocol so the
 * unmodified npm client works against Parley. The only package here that touches Jakarta
 * WebSocket; {@code wire} is the format, {@code room} the state, {@code handler} the message rules,
 * {@code redis} the optional persistence (the only package that touches Lettuce).
 */
package dev.parley.signaling.compat.ywebsocket;
