/** The browser the integration tests drive: Debian's Chromium, never a downloaded build. */
export const chromiumPath = '/usr/bin/chromium';
