/*
 * The two astronomical instants the statutory holidays hang on: new moons (a Chinese month starts on the
 * day of its new moon in China Standard Time) and the sun reaching an apparent longitude (清明 is 15°).
 * Jean Meeus, "Astronomical Algorithms" (2nd ed.): new moons by chapter 49 (within a minute for these
 * centuries), the sun by chapter 25's low-precision series (about 0.01°, a quarter of an hour).
 */

const RAD = Math.PI / 180;
const sin = (deg: number) => Math.sin(deg * RAD);
/** Julian Day of 1970-01-01T00:00Z. */
const UNIX_EPOCH_JD = 2_440_587.5;
const MEAN_LUNATION = 29.530588861;

/** ΔT = TT − UT in days (NASA's polynomial for 2005–2050; a minute off beyond that costs little here). */
function deltaTDays(jde: number): number {
  const t = (jde - 2_451_545) / 365.25;
  return (62.92 + 0.32217 * t + 0.005589 * t * t) / 86_400;
}

/** The instant (ms since the epoch, UT) of a Julian Ephemeris Day. */
const instantOfJde = (jde: number): number => (jde - deltaTDays(jde) - UNIX_EPOCH_JD) * 86_400_000;

/** The JDE of new moon number `k` (0 = 2000-01-06), Meeus ch. 49 with the planetary corrections. */
function newMoonJde(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const T4 = T3 * T;
  const jde = 2_451_550.09766 + MEAN_LUNATION * k + 0.00015437 * T2 - 0.00000015 * T3 + 0.00000000073 * T4;
  const E = 1 - 0.002516 * T - 0.0000074 * T2;
  const M = 2.5534 + 29.1053567 * k - 0.0000014 * T2 - 0.00000011 * T3;
  const Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T2 + 0.00001238 * T3 - 0.000000058 * T4;
  const F = 160.7108 + 390.67050284 * k - 0.0016118 * T2 - 0.00000227 * T3 + 0.000000011 * T4;
  const Om = 124.7746 - 1.56375588 * k + 0.0020672 * T2 + 0.00000215 * T3;
  const periodic =
    -0.4072 * sin(Mp) +
    0.17241 * E * sin(M) +
    0.01608 * sin(2 * Mp) +
    0.01039 * sin(2 * F) +
    0.00739 * E * sin(Mp - M) -
    0.00514 * E * sin(Mp + M) +
    0.00208 * E * E * sin(2 * M) -
    0.00111 * sin(Mp - 2 * F) -
    0.00057 * sin(Mp + 2 * F) +
    0.00056 * E * sin(2 * Mp + M) -
    0.00042 * sin(3 * Mp) +
    0.00042 * E * sin(M + 2 * F) +
    0.00038 * E * sin(M - 2 * F) -
    0.00024 * E * sin(2 * Mp - M) -
    0.00017 * sin(Om) -
    0.00007 * sin(Mp + 2 * M) +
    0.00004 * sin(2 * Mp - 2 * F) +
    0.00004 * sin(3 * M) +
    0.00003 * sin(Mp + M - 2 * F) +
    0.00003 * sin(2 * Mp + 2 * F) -
    0.00003 * sin(Mp + M + 2 * F) +
    0.00003 * sin(Mp - M + 2 * F) -
    0.00002 * sin(Mp - M - 2 * F) -
    0.00002 * sin(3 * Mp + M) +
    0.00002 * sin(4 * Mp);
  const planetary: Array<[number, number, number]> = [
    [0.000325, 299.77 + 0.107408 * k - 0.009173 * T2, 0],
    [0.000165, 251.88, 0.016321],
    [0.000164, 251.83, 26.651886],
    [0.000126, 349.42, 36.412478],
    [0.00011, 84.66, 18.206239],
    [0.000062, 141.74, 53.303771],
    [0.00006, 207.14, 2.453732],
    [0.000056, 154.84, 7.30686],
    [0.000047, 34.52, 27.261239],
    [0.000042, 207.19, 0.121824],
    [0.00004, 291.34, 1.844379],
    [0.000037, 161.72, 24.198154],
    [0.000035, 239.56, 25.513099],
    [0.000023, 331.55, 3.592518],
  ];
  const additional = planetary.reduce((sum, [c, a0, ak]) => sum + c * sin(a0 + ak * k), 0);
  return jde + periodic + additional;
}

/** The instant (ms since the epoch) of the new moon nearest to instant `t`. */
export function nearestNewMoon(t: number): number {
  const jd = t / 86_400_000 + UNIX_EPOCH_JD;
  const k = Math.round((jd - 2_451_550.09766) / MEAN_LUNATION);
  return instantOfJde(newMoonJde(k));
}

/** The sun's apparent geometric longitude in degrees [0, 360) at a JDE (Meeus ch. 25, low precision). */
function apparentSolarLongitude(jde: number): number {
  const T = (jde - 2_451_545) / 36_525;
  const L0 = 280.46646 + 36_000.76983 * T + 0.0003032 * T * T;
  const M = 357.52911 + 35_999.05029 * T - 0.0001537 * T * T;
  const C =
    (1.914602 - 0.004817 * T - 0.000014 * T * T) * sin(M) +
    (0.019993 - 0.000101 * T) * sin(2 * M) +
    0.000289 * sin(3 * M);
  const omega = 125.04 - 1934.136 * T;
  const lambda = L0 + C - 0.00569 - 0.00478 * sin(omega);
  return ((lambda % 360) + 360) % 360;
}

/**
 * The instant (ms since the epoch) the sun reaches apparent longitude `degrees` for the first time after
 * `after` (ms since the epoch) — within a year of it.
 */
export function solarLongitudeInstant(degrees: number, after: number): number {
  let jde = after / 86_400_000 + UNIX_EPOCH_JD;
  // The sun moves about 360° in 365.24 days; step to the estimate, then refine (Newton's method).
  const ahead = (((degrees - apparentSolarLongitude(jde)) % 360) + 360) % 360;
  jde += (ahead * 365.2422) / 360;
  for (let i = 0; i < 10; i += 1) {
    const diff = ((((degrees - apparentSolarLongitude(jde)) % 360) + 540) % 360) - 180;
    jde += (diff * 365.2422) / 360;
    if (Math.abs(diff) < 1e-7) break;
  }
  return instantOfJde(jde);
}
