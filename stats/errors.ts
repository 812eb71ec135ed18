/**
 * Domain errors of the statistics module. One class: every invalid input raises a
 * `StatsInputError` naming the argument at fault, so callers can map it to a 400/422.
 */

/**
 * Thrown when an input cannot be analysed: a non-finite or negative count, more
 * conversions than users, an arm too small to estimate a variance, and so on.
 *
 * @example
 * try { compareMeans({ n: 1, sum: 3, sumSquares: 9 }, b) }
 * catch (e) { if (e instanceof StatsInputError) console.log(e.argument) } // 'control.n'
 */
export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
  /** Path of the offending argument, e.g. `treatment.conversions` or `expectedWeights[2]`. */
  readonly argument: string;

  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(`${argument}: ${message}`, options);
    this.argument = argument;
  }
}
