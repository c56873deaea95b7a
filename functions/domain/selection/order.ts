/*
 * Orders a selection is drawn by, written as text keys that compare like the order (plain string `<`),
 * so that the k-th customer in an order can be found a shard at a time (kth.ts). Seeded: the same seed
 * gives the same keys on every machine and Node version.
 */

/** cyrb128: four 32-bit words from a string, to seed sfc32. */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A pseudo-random generator of numbers in [0, 1) (sfc32), fully determined by `seed`. */
export function seededRandom(seed: string): () => number {
  let [a, b, c, d] = hash128(seed);
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/**
 * A customer's place in a seeded random order: a 64-bit hash of the seed and the id, then the id (which
 * breaks the ties of two equal hashes). The first k customers in this order are the seed's sample of k.
 */
export function priorityKey(seed: string, id: string): string {
  const [a, b] = hash128(`${seed}\u0000${id}`);
  return `${hex8(a)}${hex8(b)}${id}`;
}

const bits = new DataView(new ArrayBuffer(8));

/**
 * A number as 16 hex digits that sort from the largest number to the smallest (the IEEE 754 bits, made
 * to sort as the numbers do, then inverted). Followed by an id, it orders by value, high first, then id.
 */
export function descValueKey(value: number): string {
  bits.setFloat64(0, value === 0 ? 0 : value);
  let hi = bits.getUint32(0);
  let lo = bits.getUint32(4);
  // Ascending order of the bits: a negative number inverts all of them, a positive sets the sign bit.
  if (hi & 0x80000000) {
    hi = ~hi;
    lo = ~lo;
  } else hi |= 0x80000000;
  return `${hex8(~hi)}${hex8(~lo)}`;
}

/** The number a `descValueKey` was made from (its first 16 characters). */
export function valueOfDescKey(key: string): number {
  let hi = ~Number.parseInt(key.slice(0, 8), 16);
  let lo = ~Number.parseInt(key.slice(8, 16), 16);
  if (hi & 0x80000000) hi &= 0x7fffffff;
  else {
    hi = ~hi;
    lo = ~lo;
  }
  bits.setUint32(0, hi >>> 0);
  bits.setUint32(4, lo >>> 0);
  return bits.getFloat64(0);
}
