/** Configuration: the flag table, its sources (flags, PARLEY_* environment, config file) and the validated record. */
package dev.parley.server.config;
