// QR codes of addresses, drawn as SVG elements (no canvas, no data URL, no inline style) with
// the `qr` library served from the wallet's own origin.

import { encodeQR } from '../vendor/qr/index.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An `<svg>` QR code of `text`, with the quiet zone of four modules the standard asks for.
 * @param {string} text
 * @param {string} label  accessible name, e.g. "QR code of 0x…"
 * @returns {SVGSVGElement}
 */
export function qrCode(text, label) {
  const modules = encodeQR(text, 'raw', { ecc: 'medium', border: 4 });
  const size = modules.length;
  let path = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG, 'svg'));
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.dataset.modules = String(size);
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#ffffff');
  const ink = document.createElementNS(SVG, 'path');
  ink.setAttribute('d', path);
  ink.setAttribute('fill', '#000000');
  svg.append(background, ink);
  return svg;
}
