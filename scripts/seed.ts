// `npm run seed [-- path/to/template.json]`: loads a plan template (default: the starter
// 90-day calendar) into DATABASE_PATH. Loading the same template twice does nothing.
import { openDatabase, defaultDatabasePath } from '../db/connection.ts';
import { sqliteData } from '../db/sqlite/data.ts';
import { loadPlanTemplate, readPlanTemplate, starterPlanTemplate } from '../calendar/seed/index.ts';

const templatePath = process.argv[2];
const template = templatePath ? readPlanTemplate(templatePath) : starterPlanTemplate();
const data = sqliteData(openDatabase());
const result = await loadPlanTemplate(data, { nowMs: Date.now(), actor: 'cli:seed', template });
console.log(result.created
  ? `loaded '${template.name}' as plan ${result.planId} into ${defaultDatabasePath()}`
  : `'${template.name}' is already plan ${result.planId} in ${defaultDatabasePath()}: nothing to do`);
