// `npm run seed [-- path/to/template.json]`: loads a plan template (default: the starter
// 90-day calendar) into the configured database (DATABASE_URL, else DATABASE_PATH). Loading the
// same template twice does nothing.
import { config } from '../db/config.ts';
import { openData, closePostgresPool } from '../db/open-data.ts';
import { loadPlanTemplate, readPlanTemplate, starterPlanTemplate } from '../calendar/seed/index.ts';

const templatePath = process.argv[2];
const template = templatePath ? readPlanTemplate(templatePath) : starterPlanTemplate();
const { data } = await openData();
const where = config().databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config().databasePath;
const result = await loadPlanTemplate(data, { nowMs: Date.now(), actor: 'cli:seed', template });
console.log(result.created
  ? `loaded '${template.name}' as plan ${result.planId} into ${where}`
  : `'${template.name}' is already plan ${result.planId} in ${where}: nothing to do`);
if (config().databaseUrl) await closePostgresPool(config().databaseUrl!);
