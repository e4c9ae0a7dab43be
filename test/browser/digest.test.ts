/// <reference lib="dom" />
// The managers' digest as a mail client shows it: opened in headless Chromium (the one inside the npm package
// @sparticuz/chromium, or CHROMIUM_PATH: ./chromium.ts), checked for script and external images, its bars measured,
// its width checked on a phone (390 px) and a desktop window (720 px), and screenshots saved as test artifacts in
// test-artifacts/.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerDigestEmail, portfolioDigestEmail } from '../../functions/notify/digest-email.js';
import { fixedDigest } from '../unit/digest-fixture.js';
import { launchChromium } from './chromium.js';

const artifacts = join(import.meta.dirname, '..', '..', 'test-artifacts');

/** Two practices, as a manager of both gets them. */
const portfolio = () =>
  portfolioDigestEmail([fixedDigest(), fixedDigest({ tenantId: 'summit', tenantName: 'Summit Orthopedics' })], '2026-11-24', 'https://followup.example.com');

let browser: Browser;
beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Everything in the page that a mail client would block or that runs: scripts, images, external resources. */
const problemsOf = async (page: Page, requests: readonly string[]): Promise<string[]> => {
  const inPage = await page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const tag = el.tagName.toLowerCase();
      if (tag === 'script' || tag === 'noscript') found.push(`<${tag}>`);
      if (['img', 'picture', 'image', 'object', 'embed', 'iframe', 'video', 'audio', 'link'].includes(tag)) found.push(`<${tag}>`);
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) found.push(`${attr.name} handler`);
        if (['src', 'srcset', 'background', 'poster'].includes(attr.name)) found.push(`${attr.name}=${attr.value}`);
      }
      const background = getComputedStyle(el).backgroundImage;
      if (background && background !== 'none') found.push(`background-image ${background}`);
    }
    return found;
  });
  return [...inPage, ...requests.filter((url) => !/^(about|data):/.test(url)).map((url) => `request ${url}`)];
};

const open = async (html: string, width = 720): Promise<{ page: Page; problems: string[] }> => {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.setContent(html, { waitUntil: 'load' });
  return { page, problems: await problemsOf(page, requests) };
};

/** Saves a full-page screenshot; Chromium on a loaded machine sometimes refuses a capture once ("Unable to capture"). */
const screenshotOf = async (page: { screenshot(options: { path: string; fullPage: boolean }): Promise<unknown> }, path: string): Promise<void> => {
  for (let tries = 1; ; tries++) {
    try {
      await page.screenshot({ path, fullPage: true });
      return;
    } catch (error) {
      if (tries >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * tries));
    }
  }
};

describe('the digest in a browser', () => {
  it('has no script and no external image, draws its bars to scale, and is saved as a screenshot', async () => {
    const email = managerDigestEmail(fixedDigest(), 'https://followup.example.com');
    writeFileSync(join(artifacts, 'digest.html'), email.html);
    const { page, problems } = await open(email.html);
    expect(problems).toEqual([]);
    const bars = Object.fromEntries(
      await page.$$eval('[data-bar]', (els) => els.map((el) => [el.getAttribute('data-bar'), el.getBoundingClientRect().width] as const)),
    ) as Record<string, number>;
    // AR by bucket: $400,000 is the longest bar; $250,000 is 62.5% of it (rounded to 63% in the markup).
    expect(bars['0-30 days']).toBeGreaterThan(150);
    expect(bars['31-60 days']! / bars['0-30 days']!).toBeCloseTo(0.63, 1);
    expect(bars['120+ days']! / bars['0-30 days']!).toBeCloseTo(0.5, 1);
    expect(await page.getByText('AR by payer').isVisible()).toBe(true);
    const screenshot = join(artifacts, 'digest.png');
    await screenshotOf(page, screenshot);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    await page.close();
  });

  it('the portfolio digest too', async () => {
    const { page, problems } = await open(portfolio().html);
    expect(problems).toEqual([]);
    await screenshotOf(page, join(artifacts, 'portfolio-digest.png'));
    await page.close();
  });

  describe.each([
    { digest: 'single-practice', html: () => managerDigestEmail(fixedDigest(), 'https://followup.example.com').html },
    { digest: 'portfolio', html: () => portfolio().html },
  ])('the $digest digest', ({ digest, html }) => {
    it.each([390, 720])('fits a window %i px wide without scrolling sideways', async (width) => {
      const { page } = await open(html(), width);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(innerWidth).toBe(width);
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
      await screenshotOf(page, join(artifacts, `${digest}-digest-${width}.png`));
      await page.close();
    });
  });

  it('the check finds a script, an external image and a CSS background (so a clean result means something)', async () => {
    const { page, problems } = await open(
      '<html><body><script>1</script><img src="https://tracker.example/pixel.gif"><div style="background-image:url(https://cdn.example/bg.png)">x</div></body></html>',
    );
    expect(problems).toEqual(expect.arrayContaining(['<script>', '<img>', 'src=https://tracker.example/pixel.gif', expect.stringMatching(/^background-image url/), 'request https://tracker.example/pixel.gif']));
    await page.close();
  });
});
