/** Native protocol handlers: what the server does with each client message, timers and resume. No Jetty. */
package dev.parley.signaling.handler;
