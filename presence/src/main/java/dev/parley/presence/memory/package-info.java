/** The single-node presence store: the default when no Redis is configured. */
package dev.parley.presence.memory;
