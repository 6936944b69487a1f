/** Wire format: the JSON in SSE {@code data:} lines and in HTTP responses, and SSE frame encoding. */
package dev.parley.presence.wire;
