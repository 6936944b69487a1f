/** The only package that touches sockets: one NIO selector loop for UDP/TCP/TLS listeners and relay sockets. */
package dev.parley.turn.transport;
