/** Integration tests against a real {@link dev.parley.turn.TurnServer} on 127.0.0.1 and independent clients. */
package dev.parley.turn.it;
