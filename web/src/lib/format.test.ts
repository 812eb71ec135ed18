import { describe, expect, it } from 'vitest';
import { channelLabel, longDate, percent, shortDate } from './format.ts';

describe('dates', () => {
  it.each<[string | null | undefined, string, string]>([
    ['2026-12-07', 'Mon 7 Dec', '7 Dec 2026'],
    ['2027-02-28', 'Sun 28 Feb', '28 Feb 2027'],
    ['2026-11-30', 'Mon 30 Nov', '30 Nov 2026'],
    [null, '—', '—'], [undefined, '—', '—'], ['', '—', '—']
  ])('%j -> %j, %j (the calendar day as written, in any time zone)', (iso, short, long) => {
    expect(shortDate(iso)).toBe(short);
    expect(longDate(iso)).toBe(long);
  });
});

describe('percent', () => {
  it.each<[number | null | undefined, number | undefined, string]>([
    [0.2, undefined, '20%'], [0.125, undefined, '12.5%'], [0.12345, undefined, '12.3%'], [0.12345, 2, '12.35%'],
    [0.5, 0, '50%'], [0, undefined, '0%'], [-0.034, undefined, '-3.4%'], [1.5, undefined, '150%'],
    [null, undefined, '—'], [undefined, undefined, '—'], [Number.NaN, undefined, '—'], [Number.POSITIVE_INFINITY, undefined, '—']
  ])('%j with %j digits -> %j', (x, digits, expected) => {
    expect(percent(x, digits)).toBe(expected);
  });
});

describe('channelLabel', () => {
  it.each([
    ['email', 'Email'], ['push', 'Push'], ['sms', 'SMS'], ['in-app', 'In-app'], ['landing-page', 'Landing page'],
    ['web', 'Web'], ['social', 'Social'], ['fax', 'fax']
  ])('%s -> %s', (channel, label) => {
    expect(channelLabel(channel)).toBe(label);
  });
});
