/**
 * The health table (calendar/reports/health-cases.ts) run through `buildHealth()`: the SRM test
 * against the configured weights, warnings word for word, days run (ended vs running), users
 * against the users needed, exposures per day.
 */
import { describe, expect, it } from 'vitest';
import { buildHealth } from './health.ts';
import { healthCases, healthInputOf } from './health-cases.ts';

describe('buildHealth(): the health table', () => {
  it('has one case per name', () => {
    const names = healthCases.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(healthCases)('%s', (_name, given, expected) => {
    const h = buildHealth(healthInputOf(given));
    expect({ usersExposed: h.usersExposed, daysRun: h.daysRun, daysPlanned: h.daysPlanned, usersNeeded: h.usersNeeded, multipleVariantUsers: h.multipleVariantUsers })
      .toEqual({ usersExposed: expected.usersExposed, daysRun: expected.daysRun, daysPlanned: expected.daysPlanned, usersNeeded: expected.usersNeeded, multipleVariantUsers: expected.multipleVariantUsers });
    expect(h.exposuresByDay).toEqual(expected.exposuresByDay);
    if (expected.srm === null) expect(h.srm).toBeNull();
    else {
      expect(h.srm).toMatchObject({ mismatch: expected.srm.mismatch, observed: expected.srm.observed, expectedShare: expected.srm.expectedShare });
      expect(h.srm!.chiSquare).toBeCloseTo(expected.srm.chiSquare, 9);
      expect(h.srm!.pValue < 0.001).toBe(expected.srm.mismatch);
    }
    expect(h.warnings).toHaveLength(expected.warnings.length);
    expected.warnings.forEach((w, i) => {
      if (typeof w === 'string') expect(h.warnings[i]).toBe(w);
      else expect(h.warnings[i]).toMatch(w);
    });
  });
});
