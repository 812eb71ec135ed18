// `npm run simulate -- [options]`: synthetic users through the real HTTP API (see scripts/simulate/).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSimulation, simulateProgram, type Effects, type ExposureLoss, type SimulationOptions } from './simulate/index.ts';

const usage = `npm run simulate -- [options]
  --url URL            API base URL (default http://127.0.0.1:3000)
  --key KEY            admin API key (default: $ADMIN_API_KEY or $API_KEY)
  --plan ID            only this plan's experiments
  --experiment KEY     drive this experiment (repeatable; default: every running one)
  --start              start weeks 1 and 2 of the plan first (or --start-key KEY, repeatable)
  --users N            users per experiment (default 2000)
  --days N             arrival period in days (default 14), ending now unless --start-ms or --advance
  --advance            users arrive over the next N days, then the server clock moves past them
                       (server started with ALLOW_CLOCK_CONTROL=1): reports see tests that ran N days
  --seed N             random seed (default 1)
  --effect EXP:VARIANT:METRIC=LIFT   true relative effect, e.g. w01-x:guided:activation=0.25 (repeatable)
  --loss EXP:VARIANT=SHARE           keep only this share of a variant's exposures (SRM test), e.g. w02-x:control=0.82
  --config FILE        JSON with any SimulationOptions fields (effects, baselines, exposureLoss, ...)
  --program-effect METRIC=LIFT       with --plan: drive the plan's program instead (issue 16): --users users
                       assigned to all its experiments (exposing, so the holdout is recorded); those served a
                       rolled-out winner convert at the baseline x (1 + LIFT), everyone else at the baseline
                       (repeatable; binomial metrics). Then read GET /api/v1/plans/ID/impact`;

const { values } = parseArgs({
  options: {
    url: { type: 'string' }, key: { type: 'string' }, plan: { type: 'string' }, experiment: { type: 'string', multiple: true },
    start: { type: 'boolean' }, advance: { type: 'boolean' }, 'start-key': { type: 'string', multiple: true }, users: { type: 'string' }, days: { type: 'string' },
    'start-ms': { type: 'string' }, seed: { type: 'string' }, effect: { type: 'string', multiple: true },
    loss: { type: 'string', multiple: true }, config: { type: 'string' }, help: { type: 'boolean' },
    'program-effect': { type: 'string', multiple: true }
  }
});
if (values.help) { console.log(usage); process.exit(0); }

const fromFile = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) as Partial<SimulationOptions> : {};
const apiKey = values.key ?? fromFile.apiKey ?? process.env.ADMIN_API_KEY ?? process.env.API_KEY;
if (!apiKey) { console.error(`an admin key is required (--key or ADMIN_API_KEY)\n\n${usage}`); process.exit(2); }

let effects: Effects | undefined = fromFile.effects;
for (const spec of values.effect ?? []) {
  const m = /^([^:]+):([^:]+):([^=]+)=(-?[\d.]+)$/.exec(spec);
  if (!m) { console.error(`bad --effect '${spec}', expected EXP:VARIANT:METRIC=LIFT`); process.exit(2); }
  effects ??= {};
  ((effects[m[1]!] ??= {})[m[2]!] ??= {})[m[3]!] = Number(m[4]);
}
let exposureLoss: ExposureLoss | undefined = fromFile.exposureLoss;
for (const spec of values.loss ?? []) {
  const m = /^([^:]+):([^=]+)=([\d.]+)$/.exec(spec);
  if (!m) { console.error(`bad --loss '${spec}', expected EXP:VARIANT=SHARE`); process.exit(2); }
  exposureLoss ??= {};
  (exposureLoss[m[1]!] ??= {})[m[2]!] = Number(m[3]);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

if (values['program-effect']?.length) {
  const combinedEffects: Record<string, number> = {};
  for (const spec of values['program-effect']) {
    const m = /^([^=]+)=(-?[\d.]+)$/.exec(spec);
    if (!m) { console.error(`bad --program-effect '${spec}', expected METRIC=LIFT`); process.exit(2); }
    combinedEffects[m[1]!] = Number(m[2]);
  }
  const planId = num(values.plan) ?? fromFile.planId;
  if (planId === undefined) { console.error(`--program-effect needs --plan ID\n\n${usage}`); process.exit(2); }
  const program = await simulateProgram({ baseUrl: values.url ?? fromFile.baseUrl, apiKey, planId, users: num(values.users), seed: num(values.seed),
    combinedEffects, baselines: fromFile.baselines, log: (line) => console.log(line) });
  console.log(JSON.stringify(program, null, 2));
  process.exit(0);
}

const result = await runSimulation({
  ...fromFile, apiKey, effects, exposureLoss,
  baseUrl: values.url ?? fromFile.baseUrl,
  planId: num(values.plan) ?? fromFile.planId,
  experiments: values.experiment ?? fromFile.experiments,
  start: values['start-key'] ?? values.start ?? fromFile.start,
  usersPerExperiment: num(values.users) ?? fromFile.usersPerExperiment,
  days: num(values.days) ?? fromFile.days,
  startMs: num(values['start-ms']) ?? fromFile.startMs,
  advance: values.advance ?? fromFile.advance,
  seed: num(values.seed) ?? fromFile.seed,
  log: (line) => console.log(line)
});
console.log(JSON.stringify({ effects: result.effects, experiments: result.experiments, requests: result.requests }, null, 2));
