/**
 * Public input and output types of the statistics module. Inputs are sufficient
 * statistics per arm, so the database aggregates and the math here stays O(1).
 */

/** Per-arm sums of a numeric metric y: n, Σy, Σy². */
export type MeanStats = { n: number; sum: number; sumSquares: number };

/** Per-arm users and users who converted. */
export type ProportionStats = { n: number; conversions: number };

/**
 * Per-arm sums for a ratio metric Σnumerator / Σdenominator over n units (e.g. revenue
 * per order with one row per user: numerator = revenue, denominator = orders).
 */
export type RatioStats = {
  n: number;
  sumNumerator: number;
  sumDenominator: number;
  sumNumeratorSquares: number;
  sumDenominatorSquares: number;
  sumCrossProducts: number;
};

/**
 * Per-arm sums for CUPED, one SQL aggregate per arm over users with a post-period
 * metric y and a pre-period covariate x (use 0 for users without pre-period data):
 * `COUNT(*) AS n, SUM(y) AS sum, SUM(y*y) AS sumSquares, SUM(x) AS covariateSum,
 *  SUM(x*x) AS covariateSumSquares, SUM(x*y) AS crossSum`.
 * `n`, `sum` and `sumSquares` must equal the arm's MeanStats.
 */
export type CovariateArmStats = {
  n: number;
  sum: number;
  sumSquares: number;
  covariateSum: number;
  covariateSumSquares: number;
  crossSum: number;
};

/** CUPED input: the covariate sums of both arms. */
export type CovariateStats = { control: CovariateArmStats; treatment: CovariateArmStats };

/** A closed interval [lower, upper]; one-sided intervals use ±Infinity. */
export type Interval = [number, number];

/** A point estimate with its standard error and confidence interval. */
export type Estimate = { estimate: number; se: number; ci: Interval };

export type Alternative = 'two-sided' | 'greater' | 'less';

export type CompareOptions = {
  /** Significance level, 0 < alpha < 1 (default 0.05). */
  alpha?: number;
  /** 'greater' tests treatment > control (default 'two-sided'). */
  alternative?: Alternative;
  /** Always-valid inference for continuous monitoring; tuning = N in total users (default 5000). */
  sequential?: { tuning?: number };
  /** Pre-period covariate sums for CUPED variance reduction (compareMeans/compareProportions). */
  covariate?: CovariateStats;
};

/** Result of comparing treatment with control. */
export type Comparison = {
  /** Arm means or rates (CUPED: covariate-adjusted means). */
  control: number;
  treatment: number;
  /** treatment - control */
  absolute: Estimate;
  /** (treatment - control) / |control|; null when control = 0. */
  relative: Estimate | null;
  /** z or t statistic of the absolute difference. */
  statistic: number;
  /** Welch df for fixed-horizon means; Infinity for z tests and sequential mode. */
  df: number;
  /** Two-sided unless options.alternative says otherwise; never 0 or NaN. */
  pValue: number;
  /** pValue < alpha */
  significant: boolean;
};
