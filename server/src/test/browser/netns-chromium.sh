#!/bin/sh
# Playwright's executablePath for a Chromium that must live in a network namespace: Playwright
# starts this with Chromium's arguments and talks to it over inherited pipes, which survive the
# exec. PARLEY_NETNS names the namespace; PARLEY_CHROMIUM the browser (default /usr/bin/chromium).
exec ip netns exec "${PARLEY_NETNS:?PARLEY_NETNS is not set}" "${PARLEY_CHROMIUM:-/usr/bin/chromium}" "$@"
