/** Signaling meters ({@code parley.signaling.*}) and the per-node connection budget. */
package dev.parley.signaling.metrics;
