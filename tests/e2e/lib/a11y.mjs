// Accessibility checks the a11y browser tests share: axe-core's WCAG 2.1 A/AA rules, the
// contrast of form fields' borders (1.4.11, which axe leaves out), no sideways scrolling at
// phone width, the WCAG 2.2 minimum target size, and visible keyboard focus.
//
// axe is injected with `page.evaluate` of its source: a DevTools evaluation is not subject to
// the page's Content-Security-Policy, so the wallet keeps its strict policy (no `bypassCSP`, no
// script tag the policy would have to allow) and any CSP violation the app itself causes is
// still recorded.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { screenshot } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The axe rule tags audited: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const PHONE = Object.freeze({ width: 360, height: 740 });
/** WCAG 2.2 SC 2.5.8 (Target Size, Minimum), CSS pixels. */
export const MIN_TARGET = 24;

/**
 * axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line each:
 * `id (impact): target, target`.
 * @param {import('playwright-core').Page} page
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, WCAG_TAGS);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.targets.join(', ')}`);
}

/**
 * Interactive elements smaller than 24×24 CSS px. A visually hidden radio or checkbox is
 * measured by its label (the label is what one taps). Exempt, as SC 2.5.8 allows: links inside a
 * sentence (the "inline" exception). Inside an open modal dialog only the dialog counts (the rest
 * is inert).
 * @param {import('playwright-core').Page} page
 */
export async function smallTargets(page, min = MIN_TARGET) {
  return page.evaluate((min) => {
    const modal = document.querySelector('dialog[open]');
    const scope = modal ?? document;
    const controls = scope.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
    const describe = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30)}"`;
    const small = [];
    for (const control of controls) {
      if (control.closest('[hidden], [inert]')) continue;
      if (control.classList.contains('skip-link')) continue; // off screen until focused
      let target = control;
      const style = getComputedStyle(control);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      if (control instanceof HTMLInputElement && Number(style.opacity) === 0 && control.labels?.length) target = control.labels[0];
      const rect = target.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      if (control.tagName === 'A') {
        const parent = control.parentElement;
        const inline = parent && [...parent.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
        if (inline) continue;
      }
      if (rect.width < min - 0.01 || rect.height < min - 0.01) small.push(`${describe(control)} is ${rect.width.toFixed(1)}×${rect.height.toFixed(1)}`);
    }
    return small;
  }, min);
}

/**
 * Text fields and selects whose border is the only thing that shows where to type, with a
 * border of less than 3:1 against the field's background (WCAG 1.4.11 Non-text Contrast, which
 * axe does not check).
 * @param {import('playwright-core').Page} page
 */
export async function faintFieldBorders(page) {
  return page.evaluate(() => {
    const rgb = (color) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = (color) => {
      const [r, g, b] = rgb(color).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const faint = [];
    for (const el of document.querySelectorAll('input[type="text"], input[type="password"], input[type="number"], input:not([type]), select, textarea')) {
      if (el.closest('[hidden]') || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      const [a, b] = [luminance(style.borderTopColor), luminance(style.backgroundColor)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 3) faint.push(`${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} border ${style.borderTopColor} is ${ratio.toFixed(2)}:1`);
    }
    return faint;
  });
}

/** How many CSS px the page is wider than the viewport (0 or less: no sideways scrolling). */
export async function overflowX(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

/**
 * Audits the screen shown: axe and field borders at the current size, then at 360×740 axe again (the phone
 * layout), no horizontal scroll and target sizes; saves tests/out/a11y-NAME.png and
 * a11y-NAME-360.png. Returns the problems found (empty when it passes), each prefixed by NAME.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function auditScreen(page, name) {
  const problems = [];
  const size = page.viewportSize();
  for (const v of await axeViolations(page)) problems.push(`${name}: axe ${v}`);
  for (const f of await faintFieldBorders(page)) problems.push(`${name}: field ${f} (< 3:1)`);
  await screenshot(page, `a11y-${name}`);
  await page.setViewportSize(PHONE);
  for (const v of await axeViolations(page)) if (!problems.includes(`${name}: axe ${v}`)) problems.push(`${name} (360px): axe ${v}`);
  const overflow = await overflowX(page);
  if (overflow > 0) problems.push(`${name} (360px): the page scrolls sideways by ${overflow}px`);
  for (const s of await smallTargets(page)) problems.push(`${name} (360px): target ${s} (< ${MIN_TARGET}×${MIN_TARGET})`);
  await screenshot(page, `a11y-${name}-360`);
  if (size) await page.setViewportSize(size);
  return problems;
}

/**
 * What has the focus, and whether it shows: an outline or a box-shadow drawn by
 * `:focus-visible` (on the label of a visually hidden radio/checkbox, which draws it instead).
 * @param {import('playwright-core').Page} page
 */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', visible: false, text: '' };
    const visibleOn = (node) => {
      const style = getComputedStyle(node);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return outline || (style.boxShadow !== 'none' && style.boxShadow !== '');
    };
    let visible = el.matches(':focus-visible') && visibleOn(el);
    if (!visible && el instanceof HTMLInputElement && el.labels?.length) visible = el.matches(':focus-visible') && visibleOn(el.labels[0]);
    return {
      tag: el.tagName.toLowerCase(),
      testid: el.dataset.testid ?? null,
      text: (el.textContent ?? '').trim(),
      label: el.getAttribute('aria-label'),
      inDialog: el.closest('dialog[open]') !== null,
      visible,
    };
  });
}
