/**
 * Deterministic random numbers for simulation tests: mulberry32 (Tommy Ettinger's
 * 32-bit generator, public domain) and the Box-Muller transform (Box & Muller 1958).
 */

/** Uniform [0, 1) generator seeded with a 32-bit integer. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal generator built on a uniform one (Box-Muller, both outputs used). */
export function normalGenerator(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - uniform(); // (0, 1]: log(u) is finite
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Running sufficient statistics of one arm. */
export class ArmAccumulator {
  n = 0;
  sum = 0;
  sumSquares = 0;
  add(value: number): void {
    this.n += 1;
    this.sum += value;
    this.sumSquares += value * value;
  }
  snapshot() {
    return { n: this.n, sum: this.sum, sumSquares: this.sumSquares };
  }
}

/** Tolerance for a simulated rate: `sigmas` binomial standard errors around p. */
export function binomialTolerance(p: number, trials: number, sigmas = 4): number {
  return sigmas * Math.sqrt((p * (1 - p)) / trials);
}
