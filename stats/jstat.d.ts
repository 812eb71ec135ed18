// Minimal types for the parts of jStat the cross-check test uses (jstat ships no types).
declare module 'jstat' {
  export const jStat: {
    normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number };
    studentt: { cdf(x: number, df: number): number; inv(p: number, df: number): number };
    chisquare: { cdf(x: number, df: number): number };
  };
}
