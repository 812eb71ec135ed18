/** The folder holding initdb, pg_ctl and postgres, or null when there is none. */
export function findPostgresBin(): string | null;
/** What to install when there is none. */
export const installAdvice: string;
