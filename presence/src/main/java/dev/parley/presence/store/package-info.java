/** The presence store contract shared by the in-memory and the Redis implementation. */
package dev.parley.presence.store;
