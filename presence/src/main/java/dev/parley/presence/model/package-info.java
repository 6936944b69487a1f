/** Presence values and events: members, user statuses, channels and epoch:offset event ids. No I/O. */
package dev.parley.presence.model;
