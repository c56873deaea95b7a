import { describe, expect, it } from 'vitest';
import { levelColours, PALETTE } from '../../functions/domain/report/charts.ts';

/*
 * The levels' colours stay apart for colour-blind readers (issue 14): neighbouring levels differ by
 * CIEDE2000 ΔE ≥ 20 for normal vision and for simulated deuteranopia and protanopia, for 2 to 7 levels.
 * The colour science is here, in a few lines: sRGB → linear RGB → (Machado, Oliveira & Fernandes 2009,
 * severity 1.0) → XYZ (D65) → CIELAB → CIEDE2000 (Sharma, Wu & Dalal 2005, checked on their test data).
 * Reached: ΔE2000 ≥ 22.6 (CIE76 ≥ 27.0) for 2–7 levels in all three. The old green→red scale's closest
 * neighbours (5 levels) were ΔE2000 5.8 apart (CIE76 14.5), 3.8 with deuteranopia (CIE76 9.6).
 */

type Triple = [number, number, number];
type Matrix = [Triple, Triple, Triple];

/** Machado et al.'s simulation matrices (severity 1.0), applied to linear RGB. */
const DEUTERANOPIA: Matrix = [
  [0.367322, 0.860646, -0.227968],
  [0.280085, 0.672501, 0.047413],
  [-0.01182, 0.04294, 0.968881],
];
const PROTANOPIA: Matrix = [
  [0.152286, 1.052583, -0.204868],
  [0.114503, 0.786281, 0.099216],
  [-0.003882, -0.048116, 1.051998],
];
const SRGB_TO_XYZ: Matrix = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
];
const VISIONS: Array<[string, Matrix | null]> = [
  ['normal vision', null],
  ['deuteranopia', DEUTERANOPIA],
  ['protanopia', PROTANOPIA],
];

const times = (m: Matrix, v: Triple): Triple =>
  m.map((r) => r[0] * v[0] + r[1] * v[1] + r[2] * v[2]) as Triple;

/** CIELAB (D65) of an sRGB colour `#rrggbb`, as seen with `vision` (a simulation matrix, or null). */
function lab(hex: string, vision: Matrix | null): Triple {
  const srgb = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  let rgb = srgb.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as Triple;
  if (vision) rgb = times(vision, rgb).map((c) => Math.min(1, Math.max(0, c))) as Triple;
  const [x, y, z] = times(SRGB_TO_XYZ, rgb);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [fx, fy, fz] = [f(x / 0.95047), f(y), f(z / 1.08883)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const RAD = Math.PI / 180;

/** CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1). */
function deltaE2000([L1, a1, b1]: Triple, [L2, a2, b2]: Triple): number {
  const meanC = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(meanC ** 7 / (meanC ** 7 + 25 ** 7)));
  const [a1p, a2p] = [(1 + g) * a1, (1 + g) * a2];
  const [C1, C2] = [Math.hypot(a1p, b1), Math.hypot(a2p, b2)];
  const hue = (b: number, a: number) => (b === 0 && a === 0 ? 0 : (Math.atan2(b, a) / RAD + 360) % 360);
  const [h1, h2] = [hue(b1, a1p), hue(b2, a2p)];
  let dh = C1 * C2 === 0 ? 0 : h2 - h1;
  if (dh > 180) dh -= 360;
  else if (dh < -180) dh += 360;
  const dH = 2 * Math.sqrt(C1 * C2) * Math.sin((dh / 2) * RAD);
  const [L, C] = [(L1 + L2) / 2, (C1 + C2) / 2];
  let h = h1 + h2;
  if (C1 * C2 !== 0) h = Math.abs(h1 - h2) > 180 ? (h + (h < 360 ? 360 : -360)) / 2 : h / 2;
  const T =
    1 -
    0.17 * Math.cos((h - 30) * RAD) +
    0.24 * Math.cos(2 * h * RAD) +
    0.32 * Math.cos((3 * h + 6) * RAD) -
    0.2 * Math.cos((4 * h - 63) * RAD);
  const SL = 1 + (0.015 * (L - 50) ** 2) / Math.sqrt(20 + (L - 50) ** 2);
  const SC = 1 + 0.045 * C;
  const SH = 1 + 0.015 * C * T;
  const RT =
    -Math.sin(2 * 30 * Math.exp(-(((h - 275) / 25) ** 2)) * RAD) * 2 * Math.sqrt(C ** 7 / (C ** 7 + 25 ** 7));
  const [l, c, hh] = [(L2 - L1) / SL, (C2 - C1) / SC, dH / SH];
  return Math.sqrt(l * l + c * c + hh * hh + RT * c * hh);
}

/** The smallest ΔE2000 between neighbouring colours, as seen with `vision`. */
const closestNeighbours = (colours: string[], vision: Matrix | null): number =>
  Math.min(...colours.slice(1).map((c, i) => deltaE2000(lab(colours[i]!, vision), lab(c, vision))));

/** The scale report.html had before: hue 130 (green) to 0 (red), saturation 60%, lightness 45%. */
function oldScale(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const hue = Math.round(130 - (130 * i) / (count - 1));
    const a = 0.6 * Math.min(0.45, 0.55);
    const f = (n: number) => {
      const k = (n + hue / 30) % 12;
      return 0.45 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    };
    return `#${[0, 8, 4]
      .map((n) =>
        Math.round(f(n) * 255)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')}`;
  });
}

describe('the colour difference the palette is measured with', () => {
  it.each([
    // Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17, 25 and 33.
    { a: [50, 2.6772, -79.7751], b: [50, 0, -82.7485], expected: 2.0425 },
    { a: [50, 0, 0], b: [50, -1, 2], expected: 2.3669 },
    { a: [50, 2.5, 0], b: [73, 25, -18], expected: 27.1492 },
    { a: [60.2574, -34.0099, 36.2677], b: [60.4626, -34.1751, 39.4387], expected: 1.2644 },
    { a: [2.0776, 0.0795, -1.135], b: [0.9033, -0.0636, -0.5514], expected: 0.9082 },
  ])('should give Sharma’s ΔE2000 of $expected', ({ a, b, expected }) => {
    // Act
    const delta = deltaE2000(a as Triple, b as Triple);

    // Assert
    expect(delta).toBeCloseTo(expected, 4);
  });

  it('should see red and green alike with deuteranopia, and blue and orange apart', () => {
    // Act
    const redGreen = deltaE2000(lab('#d62728', DEUTERANOPIA), lab('#2ca02c', DEUTERANOPIA));
    const blueOrange = deltaE2000(lab('#1f77b4', DEUTERANOPIA), lab('#ff7f0e', DEUTERANOPIA));

    // Assert
    expect(deltaE2000(lab('#d62728', null), lab('#2ca02c', null))).toBeGreaterThan(50);
    expect(redGreen).toBeLessThan(10);
    expect(blueOrange).toBeGreaterThan(40);
  });
});

describe('levelColours', () => {
  it.each([2, 3, 4, 5, 6, 7])(
    'should keep %i levels’ neighbours ΔE2000 ≥ 20 apart, with normal vision and colour-blind',
    (count) => {
      // Act
      const colours = levelColours(count);

      // Assert
      expect(colours).toHaveLength(count);
      for (const [vision, matrix] of VISIONS) {
        expect(closestNeighbours(colours, matrix), vision).toBeGreaterThanOrEqual(20);
      }
    },
  );

  it('should run from the darkest purple to the darkest brown, grey in the middle of an odd count', () => {
    expect(levelColours(2)).toEqual([PALETTE[0], PALETTE[6]]);
    expect(levelColours(5)).toEqual(['#2f2d4a', '#5b5dc2', '#bdbdbd', '#9f772f', '#4f3705']);
    expect(levelColours(7)).toEqual([...PALETTE]);
  });

  it.each([8, 9, 10, 11])('should still tell %i levels apart, less far', (count) => {
    // Act
    const colours = levelColours(count);

    // Assert: a questionnaire may have up to 11 levels; beyond 7 the figures beside the bars carry it.
    expect(new Set(colours).size).toBe(count);
    for (const [vision, matrix] of VISIONS) {
      expect(closestNeighbours(colours, matrix), vision).toBeGreaterThanOrEqual(6);
    }
  });

  it('should fail the bound the old green-to-red scale failed', () => {
    // Arrange
    const old = oldScale(5);

    // Act
    const normal = closestNeighbours(old, null);
    const deuteranopia = closestNeighbours(old, DEUTERANOPIA);

    // Assert: the check tells a scale that fails from one that passes.
    expect(old.slice(0, 2)).toEqual(['#2eb845', '#60b82e']);
    expect(normal).toBeLessThan(20);
    expect(deuteranopia).toBeLessThan(normal);
  });
});
