import { exportImpact } from '../impact-export.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => exportImpact(params.id, 'json');
