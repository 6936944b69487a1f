/** Metrics (Micrometer's Prometheus registry) and one log stream through SLF4J. */
package dev.parley.server.observability;
