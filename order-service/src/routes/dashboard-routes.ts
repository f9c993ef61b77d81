import path from 'node:path';
import { Router } from 'express';
import type { DashboardState } from '../dashboard/dashboard-state';
import { SERVICE_DIR } from '../service-dir';
import { toOrderDto } from './order-answers';

/** The page's files, beside src/ (not under it: the build does not copy them). */
const PUBLIC_DIR = path.join(SERVICE_DIR, 'public');
/** uPlot (the charts), served from the installed package: no CDN. */
const UPLOT_DIR = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
const FILES: Record<string, { root: string; file: string }> = {
  '/dashboard': { root: PUBLIC_DIR, file: 'dashboard.html' },
  '/dashboard/dashboard.js': { root: PUBLIC_DIR, file: 'dashboard.js' },
  '/dashboard/charts.js': { root: PUBLIC_DIR, file: 'charts.js' },
  '/dashboard/dashboard.css': { root: PUBLIC_DIR, file: 'dashboard.css' },
  '/dashboard/uplot.js': { root: UPLOT_DIR, file: 'uPlot.iife.min.js' },
  '/dashboard/uplot.css': { root: UPLOT_DIR, file: 'uPlot.min.css' },
};
// The page loads nothing but its own script and style and talks only to this origin.
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The dashboard page, its scripts and styles (uPlot's among them): static, served to anyone (they hold no data).
 * The data is `GET /dashboard/state`, an operation of the document that needs the admin token.
 */
export function dashboardPages(): { paths: string[]; router: Router } {
  const router = Router();
  for (const [route, { root, file }] of Object.entries(FILES)) {
    router.get(route, (_req, res, next) => res.sendFile(file, { root, headers: PAGE_HEADERS }, (err) => err && next(err)));
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
      replica: state.replica,
      history: state.history,
    });
  });
  return router;
}
