import path from 'node:path';
import { Router } from 'express';
import { createHttpApp, credentialsFrom, type HttpApp, loadOpenApiDocument, type Logger, withMaximum } from 'service-platform';
import type { CatalogConfig } from './config/catalog-config';
import type { CatalogDb } from './data/catalog-db';
import { itemRepository } from './data/item-repository';
import { reservationRepository } from './data/reservation-repository';
import { stockAdjustmentRepository } from './data/stock-adjustment-repository';
import { itemService } from './domain/items';
import { reservationService } from './domain/reservations';
import { stockAdjustmentService } from './domain/stock-adjustments';
import { itemRoutes } from './routes/item-routes';
import { CATALOG_PROBLEMS } from './routes/problems';
import { reservationRoutes } from './routes/reservation-routes';
import { SERVICE_DIR } from './service-dir';

export const OPENAPI_FILE = path.join(SERVICE_DIR, '../openapi/catalog.yaml');

export interface CatalogApp extends HttpApp {
  reservations: ReturnType<typeof reservationRepository>;
}

export function buildCatalogApp(deps: { config: CatalogConfig; db: CatalogDb; logger: Logger; validateResponses?: boolean }): CatalogApp {
  const { config, db } = deps;
  const reservations = reservationRepository(db);
  const routes = Router();
  routes.use(itemRoutes(itemService(itemRepository(db)), stockAdjustmentService(stockAdjustmentRepository(db))));
  routes.use(reservationRoutes(
    reservationService(reservations, { defaultSeconds: config.RESERVATION_TTL_SECONDS, maxSeconds: config.RESERVATION_MAX_TTL_SECONDS }),
  ));
  const http = createHttpApp({
    service: 'catalog',
    logger: deps.logger,
    openapi: withMaximum(loadOpenApiDocument(OPENAPI_FILE), 'ReservationInput', 'ttlSeconds', config.RESERVATION_MAX_TTL_SECONDS),
    routes,
    problems: CATALOG_PROBLEMS,
    readiness: [{ name: 'database', check: () => db.sql.query('SELECT 1') }],
    bodyLimit: config.BODY_LIMIT,
    publicUrl: config.PUBLIC_URL,
    credentials: credentialsFrom(config, false),
    validateResponses: deps.validateResponses,
  });
  return { ...http, reservations };
}
