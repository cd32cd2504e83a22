/**
 * Real Chromium for end-to-end tests, driven by playwright-core (which never downloads a browser: we
 * point it at the one `npm test` found). Each call gets a fresh profile, so tests share no IndexedDB.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROME_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: CHROME_ARGS,
    headless: true,
  });
}
