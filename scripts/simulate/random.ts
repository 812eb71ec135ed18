/**
 * The simulator's seeded PRNG is the one the statistics simulations use (mulberry32), so the
 * same seed gives the same users and conversions.
 * @example const next = seededRandom(42); next() // 0.6011...
 */
export { mulberry32 as seededRandom } from '../../stats/testing/random.ts';
