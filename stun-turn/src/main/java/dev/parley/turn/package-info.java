/** Parley's STUN/TURN relay: {@link dev.parley.turn.TurnServer}, its {@link dev.parley.turn.TurnConfig} and {@link dev.parley.turn.RestCredentials}. */
package dev.parley.turn;
