/** TURN request handlers written along RFC 8656's numbered steps, plus the relay data path; no socket code. */
package dev.parley.turn.server;
