/**
 * The health table for `buildHealth()` (GrowthBook's cases.json style): each case is
 * `[name, given, expected]`. `given` is the configured split, the users per variant (as the
 * report's SQL aggregates give them), the experiment's start/stop and the report time, in days
 * after a fixed UTC instant, so no case depends on the wall clock or the time zone.
 */
import type { GroupAggregate } from '../../db/store/index.ts';
import type { HealthInput } from './health.ts';
import type { ReportDesign } from './load.ts';
import type { Health } from './types.ts';

const DAY_MS = 86_400_000;
/** Monday 30 Nov 2026, 00:00 UTC: day 0 of every case. */
export const T0 = Date.UTC(2026, 10, 30);
const EPOCH_DAY0 = T0 / DAY_MS;

export type HealthGiven = {
  /** Configured variants in position order: [key, weight]; the first is the control. */
  variants: Array<[key: string, weight: number]>;
  /** Users per variant (keys not configured are exposures to unknown variants); `conflicted`: also saw another variant. */
  users: Record<string, number | { users: number; conflicted: number }>;
  /** Days after T0. */
  startedAtDay: number | null;
  stoppedAtDay?: number | null;
  nowDay: number;
  firstExposureDay?: number | null;
  durationDays?: number;
  needed?: { users: number | null; basis: string };
  /** Per-day exposures: [day after T0, variant, users]. */
  byDay?: Array<[day: number, variant: string, users: number]>;
};
export type HealthExpected = {
  /** null: no SRM test (no users, or fewer than two weighted variants). */
  srm: { mismatch: boolean; chiSquare: number; observed: Record<string, number>; expectedShare: Record<string, number> } | null;
  usersExposed: number;
  daysRun: number;
  daysPlanned: number;
  usersNeeded: number | null;
  multipleVariantUsers: number;
  exposuresByDay: Health['exposuresByDay'];
  /** Exact sentences; a RegExp where the number is below double precision (p printed as 4.9e-324 or 0). */
  warnings: Array<string | RegExp>;
};
export type HealthCase = [name: string, given: HealthGiven, expected: HealthExpected];

/** The input `buildReport` would hand to `buildHealth()`. */
export function healthInputOf(given: HealthGiven): HealthInput {
  const at = (day: number | null | undefined) => (day === null || day === undefined ? null : T0 + day * DAY_MS);
  const variants = given.variants.map(([key, weight], i) => ({
    id: i + 1, experimentId: 1, key, name: key, description: null, weight, isControl: i === 0, position: i
  })) as unknown as ReportDesign['variants'];
  const experiment = {
    id: 1, key: 'health-case', status: given.stoppedAtDay == null ? 'running' : 'stopped', durationDays: given.durationDays ?? 14,
    startedAtMs: at(given.startedAtDay), stoppedAtMs: at(given.stoppedAtDay), endDate: null
  } as unknown as ReportDesign['experiment'];
  const byVariant: GroupAggregate[] = Object.entries(given.users).map(([variant, u]) => ({
    variant, day: null, segment: null, metrics: [],
    ...(typeof u === 'number' ? { users: u, conflicted: 0 } : u)
  }));
  return {
    design: { experiment, variants, control: variants[0]!, metrics: [], criteria: [], amendments: [] },
    byVariant,
    exposuresByDay: (given.byDay ?? []).map(([day, variant, users]) => ({ day: EPOCH_DAY0 + day, variant, users })),
    span: { firstMs: at(given.firstExposureDay), lastMs: null },
    needed: given.needed ?? { users: null, basis: 'no planned minimum detectable effect' },
    nowMs: at(given.nowDay)!
  };
}

const SRM_TAIL = 'Assignment or exposure logging is broken; results cannot be trusted and "ship" is blocked until it is explained.';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** An SRM warning whose p-value underflows: any p, the exact split and configuration. */
const srmWarning = (observed: string, configured: string) =>
  new RegExp(`^Sample ratio mismatch \\(p = [0-9.e+-]+\\): observed split ${escape(observed)}, configured ${escape(configured)}\\. ${escape(SRM_TAIL)}$`);
const fullWeek = { startedAtDay: 0, nowDay: 10 } as const;

export const healthCases: HealthCase[] = [
  // --- Sample ratio mismatch against the configured weights --------------------------------
  ['80/20 configured, 8,000 / 2,000 observed: no mismatch (guards: SRM compared with equal weights)', {
    ...fullWeek, variants: [['control', 80], ['treatment', 20]], users: { control: 8_000, treatment: 2_000 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 8000, treatment: 2000 }, expectedShare: { control: 0.8, treatment: 0.2 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['80/20 configured, 5,000 / 5,000 observed: mismatch (guards: SRM compared with equal weights)', {
    ...fullWeek, variants: [['control', 80], ['treatment', 20]], users: { control: 5_000, treatment: 5_000 }
  }, {
    srm: { mismatch: true, chiSquare: 5625, observed: { control: 5000, treatment: 5000 }, expectedShare: { control: 0.8, treatment: 0.2 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: [srmWarning('control 50.0% / treatment 50.0%', '80% / 20%')]
  }],
  ['80/20 configured, 740 / 260 observed: mismatch, chi-square 22.5', {
    ...fullWeek, variants: [['control', 0.8], ['treatment', 0.2]], users: { control: 740, treatment: 260 }
  }, {
    srm: { mismatch: true, chiSquare: 22.5, observed: { control: 740, treatment: 260 }, expectedShare: { control: 0.8, treatment: 0.2 } },
    usersExposed: 1000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: [`Sample ratio mismatch (p = 2.1e-6): observed split control 74.0% / treatment 26.0%, configured 80% / 20%. ${SRM_TAIL}`]
  }],
  ['80/20 configured, 780 / 220 observed: within chance (chi-square 2.5)', {
    ...fullWeek, variants: [['control', 0.8], ['treatment', 0.2]], users: { control: 780, treatment: 220 }
  }, {
    srm: { mismatch: false, chiSquare: 2.5, observed: { control: 780, treatment: 220 }, expectedShare: { control: 0.8, treatment: 0.2 } },
    usersExposed: 1000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['50/50 configured, 5,000 / 5,000 observed: no mismatch', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 5_000, treatment: 5_000 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 5000, treatment: 5000 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['50/50 configured, 8,000 / 2,000 observed: mismatch', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 8_000, treatment: 2_000 }
  }, {
    srm: { mismatch: true, chiSquare: 3600, observed: { control: 8000, treatment: 2000 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: [srmWarning('control 80.0% / treatment 20.0%', '50% / 50%')]
  }],
  ['50/25/25 configured, 5,000 / 2,500 / 2,500 observed: no mismatch (guards: SRM compared with equal weights)', {
    ...fullWeek, variants: [['control', 2], ['a', 1], ['b', 1]], users: { control: 5_000, a: 2_500, b: 2_500 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 5000, a: 2500, b: 2500 }, expectedShare: { control: 0.5, a: 0.25, b: 0.25 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['a variant weighted 0 is left out of the SRM test', {
    ...fullWeek, variants: [['control', 1], ['a', 1], ['paused', 0]], users: { control: 5_000, a: 5_000 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 5000, a: 5000, paused: 0 }, expectedShare: { control: 0.5, a: 0.5, paused: 0 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['only one weighted variant: no SRM test', {
    ...fullWeek, variants: [['control', 1], ['paused', 0]], users: { control: 5_000 }
  }, {
    srm: null,
    usersExposed: 5000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],

  // --- Exposure problems --------------------------------------------------------------------
  ['exposures to an unknown variant are reported and ignored in the split', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 5_000, treatment: 5_000, ghost: 12 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 5000, treatment: 5000 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 10012, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['Exposures to unknown variants (ghost) are ignored.']
  }],
  ['exposures to two unknown variants are listed with a comma', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 5_000, treatment: 5_000, ghost: 12, old: 3 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 5000, treatment: 5000 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 10015, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['Exposures to unknown variants (ghost, old) are ignored.']
  }],
  ['users exposed to more than one variant are counted and reported', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]],
    users: { control: { users: 5_000, conflicted: 30 }, treatment: { users: 5_000, conflicted: 20 } }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 5000, treatment: 5000 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 10000, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 50,
    exposuresByDay: [],
    warnings: ['50 users (0.50%) were exposed to more than one variant; they are analysed in the variant of their first exposure.']
  }],
  ['no users yet: no SRM test, said so', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: {}
  }, {
    srm: null,
    usersExposed: 0, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['No users have been exposed yet.']
  }],

  // --- Days run: ended vs running -----------------------------------------------------------
  ['running: days run up to the report time', {
    startedAtDay: 0, nowDay: 8.25, variants: [['control', 1], ['treatment', 1]], users: { control: 500, treatment: 500 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 500, treatment: 500 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 1000, daysRun: 8.3, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['ended: days run up to the stop, whatever the report time', {
    startedAtDay: 0, stoppedAtDay: 14, nowDay: 40, variants: [['control', 1], ['treatment', 1]], users: { control: 500, treatment: 500 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 500, treatment: 500 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 1000, daysRun: 14, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['ended after 3 days: less than a full week is warned about', {
    startedAtDay: 0, stoppedAtDay: 3, nowDay: 40, variants: [['control', 1], ['treatment', 1]], users: { control: 500, treatment: 500 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 500, treatment: 500 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 1000, daysRun: 3, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['Ran 3 days so far: less than a full week, so weekday effects can bias the result.']
  }],
  ['exactly a week: no warning about weekdays', {
    startedAtDay: 0, nowDay: 7, variants: [['control', 1], ['treatment', 1]], users: { control: 500, treatment: 500 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 500, treatment: 500 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 1000, daysRun: 7, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],
  ['no start recorded: days run from the first exposure', {
    startedAtDay: null, firstExposureDay: 2, nowDay: 6.5, variants: [['control', 1], ['treatment', 1]], users: { control: 500, treatment: 500 }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 500, treatment: 500 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 1000, daysRun: 4.5, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['Ran 4.5 days so far: less than a full week, so weekday effects can bias the result.']
  }],
  ['neither a start nor an exposure: 0 days', {
    startedAtDay: null, nowDay: 6.5, variants: [['control', 1], ['treatment', 1]], users: {}
  }, {
    srm: null,
    usersExposed: 0, daysRun: 0, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['No users have been exposed yet.']
  }],

  // --- Users against the users needed -------------------------------------------------------
  ['fewer users than the planned effect needs: how many of how many, and why', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 2_000, treatment: 2_000 },
    needed: { users: 12_500, basis: 'activation: 6,250 per arm for a 10% relative lift at 80% power' }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 2000, treatment: 2000 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 4000, daysRun: 10, daysPlanned: 14, usersNeeded: 12500, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: ['4,000 of the 12,500 users needed for the planned effect (activation: 6,250 per arm for a 10% relative lift at 80% power).']
  }],
  ['enough users: no warning', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 6_250, treatment: 6_250 },
    needed: { users: 12_500, basis: 'activation: 6,250 per arm for a 10% relative lift at 80% power' }
  }, {
    srm: { mismatch: false, chiSquare: 0, observed: { control: 6250, treatment: 6250 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 12500, daysRun: 10, daysPlanned: 14, usersNeeded: 12500, multipleVariantUsers: 0,
    exposuresByDay: [],
    warnings: []
  }],

  // --- Exposures per day ----------------------------------------------------------------------
  ['exposures per day: UTC dates, every configured variant listed (0 when none that day)', {
    ...fullWeek, variants: [['control', 1], ['treatment', 1]], users: { control: 150, treatment: 140 },
    byDay: [[0, 'control', 100], [0, 'treatment', 90], [1, 'control', 50], [2, 'treatment', 50]]
  }, {
    srm: { mismatch: false, chiSquare: 0.344827586207, observed: { control: 150, treatment: 140 }, expectedShare: { control: 0.5, treatment: 0.5 } },
    usersExposed: 290, daysRun: 10, daysPlanned: 14, usersNeeded: null, multipleVariantUsers: 0,
    exposuresByDay: [{ date: '2026-11-30', users: { control: 100, treatment: 90 } }, { date: '2026-12-01', users: { control: 50, treatment: 0 } }, { date: '2026-12-02', users: { control: 0, treatment: 50 } }],
    warnings: []
  }]
];
