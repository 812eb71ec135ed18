/** The path of the nginx program, or null when there is none. */
export function findNginx(): string | null;
/** What to install when there is none. */
export const nginxAdvice: string;
