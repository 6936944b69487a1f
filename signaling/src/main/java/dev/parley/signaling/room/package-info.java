/** Signaling state: sessions, rooms, members, resume buffers, rate limits and peer routing. No sockets, no Jetty. */
package dev.parley.signaling.room;
