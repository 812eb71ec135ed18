/**
 * Deterministic bucketing, following GrowthBook's published scheme
 * (growthbook/growthbook, packages/sdk-js/src/util.ts) so that its cross-SDK cases apply.
 */

/** `[start, end)`: a user whose hash `n` has `start <= n < end` falls in the range. */
export type BucketRange = [start: number, end: number];

/** `[namespaceId, start, end]`: a slice of a layer (GrowthBook namespace). */
export type NamespaceRange = [id: string, start: number, end: number];

/**
 * 32-bit FNV-1a over UTF-16 code units (`charCodeAt`, not bytes).
 * @example fnv1a32('a') // 3826002220
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    // h * 16777619 (the FNV prime) written as shifts, kept within 32 bits.
    h += (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24);
  }
  return h >>> 0;
}

/**
 * A number in [0, 1) for `value` under `seed`, or null for an unknown hash version.
 * 1. Version 2 (default here): `fnv(String(fnv(seed + value))) % 10000 / 10000`.
 * 2. Version 1 (GrowthBook's original, kept for namespaces): `fnv(value + seed) % 1000 / 1000`.
 * @example hash('seed', 'a', 2) // 0.0505
 */
export function hash(seed: string, value: string, version: number): number | null {
  if (version === 2) return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
  if (version === 1) return (fnv1a32(value + seed) % 1000) / 1000;
  return null;
}

/**
 * `n` equal weights summing to 1; an empty list for `n <= 0`.
 * @example getEqualWeights(4) // [0.25, 0.25, 0.25, 0.25]
 */
export function getEqualWeights(n: number): number[] {
  if (n <= 0) return [];
  return new Array<number>(n).fill(1 / n);
}

/**
 * Bucket ranges from weights and coverage. Coverage shrinks each range from its start, so
 * raising coverage later only adds users and never moves one to another variant.
 * Weights that do not sum to 1 (within 0.01) or do not match `numVariations` fall back to
 * equal weights; coverage is clamped to [0, 1].
 * @example getBucketRanges(2, 0.5) // [[0, 0.25], [0.5, 0.75]]
 */
export function getBucketRanges(numVariations: number, coverage = 1, weights?: number[] | null): BucketRange[] {
  const clampedCoverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
  const equal = getEqualWeights(numVariations);
  let used = weights && weights.length === numVariations ? weights : equal;
  const total = used.reduce((sum, w) => sum + w, 0);
  if (total < 0.99 || total > 1.01) used = equal;
  let cumulative = 0;
  return used.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + clampedCoverage * w] as BucketRange;
  });
}

/** True when `start <= n < end`. */
export function inRange(n: number, range: BucketRange): boolean {
  return n >= range[0] && n < range[1];
}

/**
 * Index of the first range holding `n`, or -1 when `n` is outside all of them
 * (the user is not in the experiment).
 * @example chooseVariation(0.6, [[0, 0.5], [0.5, 1]]) // 1
 */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    if (inRange(n, ranges[i]!)) return i;
  }
  return -1;
}

/**
 * Whether `userId` falls in a layer's slice `[start, end)`. The layer hash is independent
 * of any experiment's, so experiments with disjoint slices of one layer never share a user.
 * @example inNamespace('1', ['namespace1', 0.4, 1]) // true
 */
export function inNamespace(userId: string, namespace: NamespaceRange): boolean {
  const n = hash(`__${namespace[0]}`, userId, 1);
  if (n === null) return false;
  return n >= namespace[1] && n < namespace[2];
}
