import { existsSync } from 'node:fs';

/** Debian's Chromium (`apt-get install chromium`); CI installs it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a real browser is here; REQUIRE_CHROMIUM=1 (CI) turns its absence into a failure. */
export function hasChromium(): boolean {
  const found = existsSync(CHROMIUM);
  if (!found && process.env.REQUIRE_CHROMIUM) throw new Error(`Chromium is required here (REQUIRE_CHROMIUM is set) and ${CHROMIUM} is missing`);
  return found;
}

/** Headless Chromium with nothing reaching out to the network, in a fresh profile (Playwright makes one per launch). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
