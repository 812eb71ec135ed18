/**
 * Zod's issues in the planner's words: a readable label instead of a path (`variants.0.key` →
 * "variant 1: key") and a sentence instead of zod's default text ("Too big: expected number to
 * be <=13" → "must be at most 13"). Messages a schema wrote itself are kept.
 */
type Issue = {
  code?: string; path: ReadonlyArray<PropertyKey>; message: string;
  minimum?: number | bigint; maximum?: number | bigint; origin?: string; expected?: string; inclusive?: boolean;
};

/** camelCase → "camel case" (startDate → start date). */
const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** Lists whose items read "variant 1", "success criterion 2", ... */
const itemNames: Record<string, string> = { variants: 'variant', successCriteria: 'success criterion', assets: 'asset' };
/** Maps whose keys are names the planner typed (a channel, an audience). */
const namedMaps: Record<string, string> = { dailyTraffic: 'daily traffic for' };

/**
 * A readable label for a zod path.
 * @example pathLabel(['variants', 0, 'key']) // 'variant 1: key'
 * @example pathLabel(['dailyTraffic', 'email']) // 'daily traffic for email'
 */
export function pathLabel(path: ReadonlyArray<PropertyKey>): string {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const [part, next] = [String(path[i]), path[i + 1]];
    if (itemNames[part] && typeof next === 'number') { parts.push(`${itemNames[part]} ${next + 1}`); i++; continue; }
    if (namedMaps[part] && next !== undefined) { parts.push(`${namedMaps[part]} ${String(next)}`); i++; continue; }
    parts.push(typeof path[i] === 'number' ? `item ${Number(path[i]) + 1}` : words(part));
  }
  return parts.join(': ');
}

/** Zod's own default texts start like this; a schema's own messages never do. */
const zodDefault = /^(Too big|Too small|Invalid|Expected|Required|Unrecognized)/;

/** Plain words for a value of the wrong type (zod's `expected`); others read "a <type>". */
const typeWords: Record<string, string> = { string: 'text', array: 'a list', object: 'a group of fields' };

/**
 * The issue's message as a sentence, or the schema's own message when it wrote one.
 * @example plainMessage({ code: 'too_big', maximum: 13, origin: 'number', path: ['week'], message: 'Too big: expected number to be <=13' }) // 'must be at most 13'
 */
export function plainMessage(issue: Issue): string {
  if (!zodDefault.test(issue.message)) return issue.message;
  const n = (x: number | bigint | undefined) => Number(x);
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${n(issue.maximum)} characters`;
      if (issue.origin === 'array') return `can have at most ${n(issue.maximum)}`;
      return `must be at most ${n(issue.maximum)}`;
    case 'too_small':
      if (issue.origin === 'string') return n(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${n(issue.minimum)} characters`;
      if (issue.origin === 'array') return n(issue.minimum) <= 1 ? 'choose at least one' : `needs at least ${n(issue.minimum)}`;
      return issue.inclusive === false ? `must be above ${n(issue.minimum)}` : `must be at least ${n(issue.minimum)}`;
    case 'invalid_type':
      if (issue.expected === 'number' || issue.expected === 'int') return 'must be a number';
      return issue.message.includes('received undefined') ? 'is missing' : `must be ${typeWords[issue.expected as string] ?? `a ${issue.expected}`}`;
    case 'invalid_value': case 'invalid_union': case 'invalid_enum_value': case 'invalid_literal':
      return 'is not one of the allowed values';
    case 'unrecognized_keys': return 'has fields this form does not know';
    default: return 'is not valid';
  }
}

/**
 * All issues as one line the UI can show.
 * @example plainIssues([{ code: 'too_big', maximum: 13, origin: 'number', path: ['week'], message: 'Too big: ...' }]) // 'week: must be at most 13'
 */
export function plainIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path.length ? pathLabel(i.path) : 'input'}: ${plainMessage(i)}`).join('; ');
}
