/** Components, their start order, readiness, graceful drain and signal handling. */
package dev.parley.server.lifecycle;
