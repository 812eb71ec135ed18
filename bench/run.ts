// `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after another,
// so each benchmark has the machine to itself. Pass names to run a subset:
// `npm run bench -- api report`.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

const only = process.argv.slice(2);
const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name))).sort();

console.log(`# benchmarks ${new Date().toISOString()} on ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, ` +
  `${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
