/** Browser end-to-end tests: Parley's jar and headless Chromium in network namespaces, driven by Playwright. */
package dev.parley.server.e2e;
