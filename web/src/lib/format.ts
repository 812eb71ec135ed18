import { format, parseISO } from 'date-fns';
import { formatPercent } from '$calendar/format.ts';

/** "Mon 7 Dec" for an ISO date; an em dash for none. */
export function shortDate(iso: string | null | undefined): string {
  return iso ? format(parseISO(iso), 'EEE d MMM') : '—';
}

/** "7 Dec 2026" for an ISO date. */
export function longDate(iso: string | null | undefined): string {
  return iso ? format(parseISO(iso), 'd MMM yyyy') : '—';
}

/** 0.2 -> "20%", 0.125 -> "12.5%". */
export function percent(x: number | null | undefined, digits = 1): string {
  return formatPercent(x, { digits, sign: 'none', trim: true });
}

const channelLabels: Record<string, string> = {
  email: 'Email', push: 'Push', sms: 'SMS', 'in-app': 'In-app', 'landing-page': 'Landing page',
  web: 'Web', social: 'Social'
};

export function channelLabel(channel: string): string {
  return channelLabels[channel] ?? channel;
}
