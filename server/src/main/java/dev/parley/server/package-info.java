/** The launcher: reads configuration, wires the modules together, runs and stops them. */
package dev.parley.server;
