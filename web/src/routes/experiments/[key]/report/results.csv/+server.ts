import { exportReport } from '../export.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, url }) => exportReport(params.key, url, 'csv');
