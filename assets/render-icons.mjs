#!/usr/bin/env node
// Renders the hand-written SVGs in assets/svg/ to the PNGs the app uses:
// tray/tray-<state>-<16|22|32>.png and icon.png (512) + icons/<size>x<size>.png
// for electron-builder's Linux targets. Uses Debian's Chromium through
// playwright-core (transparent background). Run: node assets/render-icons.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const STATES = ['off', 'capturing', 'gateway', 'error'];
const TRAY_SIZES = [16, 22, 32];
const APP_SIZES = [16, 32, 48, 64, 128, 256, 512];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  async function render(svgFile, size, out) {
    const svg = readFileSync(join(here, 'svg', svgFile), 'utf8');
    const uri = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${uri}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.waitForFunction(() => document.images[0]?.complete, null, { timeout: 5000 });
    writeFileSync(out, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
  mkdirSync(join(here, 'tray'), { recursive: true });
  mkdirSync(join(here, 'icons'), { recursive: true });
  for (const s of STATES) for (const size of TRAY_SIZES) await render(`tray-${s}.svg`, size, join(here, 'tray', `tray-${s}-${size}.png`));
  for (const size of APP_SIZES) await render('icon.svg', size, join(here, 'icons', `${size}x${size}.png`));
  await render('icon.svg', 512, join(here, 'icon.png'));
  console.log(`rendered ${STATES.length * TRAY_SIZES.length} tray icons and ${APP_SIZES.length + 1} app icons`);
} finally {
  await browser.close();
}
