import path from 'node:path';
import { Router } from 'express';
import type { DashboardState } from '../dashboard/dashboard-state';
import { SERVICE_DIR } from '../service-dir';
import { toOrderDto } from './order-answers';

/** The page's files, beside src/ (not under it: the build does not copy them). */
const PUBLIC_DIR = path.join(SERVICE_DIR, 'public');
const FILES: Record<string, string> = {
  '/dashboard': 'dashboard.html',
  '/dashboard/dashboard.js': 'dashboard.js',
  '/dashboard/dashboard.css': 'dashboard.css',
};
// The page loads nothing but its own script and style and talks only to this origin.
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The dashboard page, its script and its style: static, served to anyone (they hold no data).
 * The data is `GET /dashboard/state`, an operation of the document that needs the admin token.
 */
export function dashboardPages(): { paths: string[]; router: Router } {
  const router = Router();
  for (const [route, file] of Object.entries(FILES)) {
    router.get(route, (_req, res, next) => res.sendFile(file, { root: PUBLIC_DIR, headers: PAGE_HEADERS }, (err) => err && next(err)));
  }
  return { paths: Object.keys(FILES), router };
}

export function dashboardRoutes(readState: () => Promise<DashboardState>): Router {
  const router = Router();
  router.get('/dashboard/state', async (_req, res) => {
    const state = await readState();
    res.set('Cache-Control', 'no-store').json({
      at: state.at.toISOString(),
      rateWindowSeconds: state.rateWindowSeconds,
      dependencies: state.dependencies,
      orders: state.orders.map(toOrderDto),
    });
  });
  return router;
}
