import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '$calendar/errors.ts';
import { blankValues, type EditorValues } from '$lib/components/plan/editor-values.ts';
import { FormFieldError, readEditorForm, toPlannedInput } from './experiment-form.ts';

/** A posted form from [name, value] pairs (a name may repeat, as checkboxes and variant rows do). */
function formOf(entries: Array<[string, string]>): FormData {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
}

/** Everything the week editor posts, with padding a browser keeps (the parser trims). */
const filled: Array<[string, string]> = [
  ['name', '  Shorter signup form '], ['week', '3'], ['objective', ' More sign-ups '],
  ['hypothesis', 'Fewer fields, more sign-ups'], ['description', 'Drop 4 of 7 fields'],
  ['channels', 'landing-page'], ['channels', 'email'], ['assets', ' figma link \n\n  copy doc\n'],
  ['primaryMetric', 'click_through'], ['secondaryMetrics', 'activation'], ['secondaryMetrics', 'click_through'],
  ['guardrailMetrics', 'unsubscribe'], ['durationDays', ' 14 '], ['minLiftPercent', '12,5'], ['maxPValue', '0.01'],
  ['maxDegradationPercent', '2'], ['qualitative', 'Support tickets do not rise\n\n  Users say it is clearer '],
  ['variantKey', 'control'], ['variantName', ' Long form '], ['variantWeight', '50'],
  ['variantKey', 'short'], ['variantName', ''], ['variantWeight', ' 50 '],
  ['variantKey', ''], ['variantName', ''], ['variantWeight', ''], // the editor's empty extra row
  ['audience', 'new visitors'], ['owner', ' Ana '], ['lifecycleStage', 'acquisition'], ['notes', 'from the Q1 review'],
  ['baselinePercent', '3,5'],
  ['exploratory', 'on'],
  ['amendmentReason', ' typo in the bar ']
];

const values = (over: Partial<EditorValues> = {}): EditorValues =>
  ({ ...blankValues(3, 'Ana'), name: 'Shorter signup form', channels: ['landing-page'], primaryMetric: 'click_through', ...over });

describe('readEditorForm', () => {
  it('reads every field, trimmed, lists from repeated names, and drops the empty variant row', () => {
    expect(readEditorForm(formOf(filled))).toEqual({
      name: 'Shorter signup form', week: 3, objective: 'More sign-ups', hypothesis: 'Fewer fields, more sign-ups',
      description: 'Drop 4 of 7 fields', channels: ['landing-page', 'email'], assets: 'figma link \n\n  copy doc',
      primaryMetric: 'click_through', secondaryMetrics: ['activation', 'click_through'], guardrailMetrics: ['unsubscribe'],
      durationDays: 14, minLiftPercent: '12,5', maxPValue: '0.01', maxDegradationPercent: '2',
      qualitative: 'Support tickets do not rise\n\n  Users say it is clearer',
      variants: [{ key: 'control', name: 'Long form', weight: '50' }, { key: 'short', name: '', weight: '50' }],
      audience: 'new visitors', owner: 'Ana', lifecycleStage: 'acquisition', notes: 'from the Q1 review', baselinePercent: '3,5',
      exploratory: true, amendmentReason: 'typo in the bar'
    });
  });

  it('an empty form: empty texts and lists, week and duration 0 (the domain refuses those)', () => {
    expect(readEditorForm(new FormData())).toEqual({
      name: '', week: 0, objective: '', hypothesis: '', description: '', channels: [], assets: '', primaryMetric: '',
      secondaryMetrics: [], guardrailMetrics: [], durationDays: 0, minLiftPercent: '', maxPValue: '', maxDegradationPercent: '',
      qualitative: '', variants: [], audience: '', owner: '', lifecycleStage: '', notes: '', baselinePercent: '', exploratory: false, amendmentReason: ''
    });
  });

  it('a week or duration that is not a number is NaN (the domain refuses it, naming the field)', () => {
    expect(readEditorForm(formOf([['week', 'three'], ['durationDays', '2 weeks']]))).toMatchObject({ week: Number.NaN, durationDays: Number.NaN });
  });

  it('keeps a variant row with only a name (the domain then asks for its key)', () => {
    const v = readEditorForm(formOf([['variantKey', ''], ['variantName', 'Blue'], ['variantWeight', '1']]));
    expect(v.variants).toEqual([{ key: '', name: 'Blue', weight: '1' }]);
  });
});

describe('toPlannedInput', () => {
  it('turns the filled form into the domain input: percents to fractions, criteria from the fields', () => {
    expect(toPlannedInput(readEditorForm(formOf(filled)))).toEqual({
      name: 'Shorter signup form', week: 3, objective: 'More sign-ups', hypothesis: 'Fewer fields, more sign-ups',
      description: 'Drop 4 of 7 fields', channels: ['landing-page', 'email'], assets: ['figma link', 'copy doc'],
      primaryMetric: 'click_through', secondaryMetrics: ['activation'], guardrailMetrics: ['unsubscribe'], durationDays: 14,
      successCriteria: [
        { kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.125, maxPValue: 0.01 },
        { kind: 'guardrail', metricKey: 'unsubscribe', maxRelativeDegradation: 0.02 },
        { kind: 'qualitative', description: 'Support tickets do not rise' },
        { kind: 'qualitative', description: 'Users say it is clearer' }
      ],
      variants: [{ key: 'control', name: 'Long form', weight: 50 }, { key: 'short', name: 'short', weight: 50 }],
      audience: 'new visitors', owner: 'Ana', lifecycleStage: 'acquisition', notes: 'from the Q1 review',
      baselineRate: 0.035, plannedMde: 0.125, exploratory: true, amendmentReason: 'typo in the bar'
    });
  });

  it('a guardrail criterion for each guardrail metric, none without a margin', () => {
    const two = toPlannedInput(values({ guardrailMetrics: ['unsubscribe', 'churn'], maxDegradationPercent: '5' }));
    expect(two.successCriteria!.filter((c) => c.kind === 'guardrail')).toEqual([
      { kind: 'guardrail', metricKey: 'unsubscribe', maxRelativeDegradation: 0.05 },
      { kind: 'guardrail', metricKey: 'churn', maxRelativeDegradation: 0.05 }
    ]);
    const none = toPlannedInput(values({ guardrailMetrics: ['unsubscribe'], maxDegradationPercent: '' }));
    expect(none.successCriteria!.filter((c) => c.kind === 'guardrail')).toEqual([]);
  });

  it('the primary metric is neither secondary nor guardrail too', () => {
    const input = toPlannedInput(values({ secondaryMetrics: ['click_through', 'activation'], guardrailMetrics: ['click_through'] }));
    expect(input).toMatchObject({ secondaryMetrics: ['activation'], guardrailMetrics: [] });
  });

  it('no primary metric: null, and no lift criterion (there is nothing to measure it on)', () => {
    const input = toPlannedInput(values({ primaryMetric: '', minLiftPercent: '10' }));
    expect(input.primaryMetric).toBeNull();
    expect(input.successCriteria).toEqual([]);
    expect(input.plannedMde).toBe(0.1);
  });

  it('an empty p-value field is 0.05', () => {
    expect(toPlannedInput(values({ minLiftPercent: '20', maxPValue: '' })).successCriteria)
      .toEqual([{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.2, maxPValue: 0.05 }]);
  });

  it('an empty or 0% minimum lift: no lift criterion and no planned MDE', () => {
    for (const minLiftPercent of ['', '0']) {
      const input = toPlannedInput(values({ minLiftPercent }));
      expect(input.successCriteria, minLiftPercent).toEqual([]);
      expect(input.plannedMde, minLiftPercent).toBeNull();
    }
  });

  it('an empty baseline is null; an unparsable weight is NaN, which the domain refuses', () => {
    const input = toPlannedInput(values({ baselinePercent: '', variants: [{ key: 'a', name: '', weight: 'abc' }, { key: 'b', name: 'B', weight: '' }] }));
    expect(input.baselineRate).toBeNull();
    expect(input.variants).toEqual([{ key: 'a', name: 'a', weight: Number.NaN }, { key: 'b', name: 'B', weight: Number.NaN }]);
  });

  // A typo in a criterion field once saved the experiment with `successCriteria: []` (issue 13):
  // a field that does not parse, or is out of range, is an error naming that field, never a dropped criterion.
  it.each<[string, Partial<EditorValues>, keyof EditorValues, string]>([
    ['a minimum lift of abc', { minLiftPercent: 'abc' }, 'minLiftPercent', 'Minimum lift must be a number between 0 and 1000%'],
    ['a minimum lift of -10', { minLiftPercent: '-10' }, 'minLiftPercent', 'Minimum lift must be a number between 0 and 1000%'],
    ['a minimum lift of 1001', { minLiftPercent: '1001' }, 'minLiftPercent', 'Minimum lift must be a number between 0 and 1000%'],
    ['a minimum lift of 10%', { minLiftPercent: '10%' }, 'minLiftPercent', 'Minimum lift must be a number between 0 and 1000%'],
    ['a p-value of abc', { minLiftPercent: '10', maxPValue: 'abc' }, 'maxPValue', 'Maximum p-value must be a number between 0 and 1, such as 0.05'],
    ['a p-value of 0', { minLiftPercent: '10', maxPValue: '0' }, 'maxPValue', 'Maximum p-value must be a number between 0 and 1, such as 0.05'],
    ['a p-value of 5', { minLiftPercent: '10', maxPValue: '5' }, 'maxPValue', 'Maximum p-value must be a number between 0 and 1, such as 0.05'],
    ['a degradation of abc', { guardrailMetrics: ['unsubscribe'], maxDegradationPercent: 'abc' }, 'maxDegradationPercent', 'Maximum degradation must be a number between 0 and 100%'],
    ['a degradation of -5', { guardrailMetrics: ['unsubscribe'], maxDegradationPercent: '-5' }, 'maxDegradationPercent', 'Maximum degradation must be a number between 0 and 100%'],
    ['a baseline of abc', { baselinePercent: 'abc' }, 'baselinePercent', 'Baseline rate must be a number above 0% and below 100%'],
    ['a baseline of 0', { baselinePercent: '0' }, 'baselinePercent', 'Baseline rate must be a number above 0% and below 100%']
  ])('%s is a field error, not a dropped criterion', (_name, over, field, message) => {
    const run = () => toPlannedInput(values(over));
    expect(run).toThrow(FormFieldError);
    expect(run).toThrow(message);
    try { run(); } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError); // a DomainError: the form actions answer 400 and keep the typed values
      expect(err).toMatchObject({ code: 'invalid_input', field, message });
    }
  });
});
