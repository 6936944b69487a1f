/** Integration tests of the socket layer itself ({@link dev.parley.turn.transport.TurnRuntime}) on 127.0.0.1. */
package dev.parley.turn.transport;
