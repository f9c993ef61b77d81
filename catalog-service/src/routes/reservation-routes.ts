import { Router } from 'express';
import { answerWith, deadlineOf } from 'service-platform';
import type { Reservation } from '../domain/ports';
import type { ReservationService } from '../domain/reservations';

const toDto = (r: Reservation) => ({
  id: r.id,
  status: r.status,
  lines: r.lines,
  totalCents: r.totalCents,
  currency: r.currency,
  expiresAt: r.expiresAt.toISOString(),
});

/** Only Order calls these: the document's `security` (serviceToken), checked by service-platform `authenticate`. */
export function reservationRoutes(reservations: ReservationService): Router {
  const router = Router();
  router.get('/reservations/:reservationId', async (req, res) => {
    res.json(toDto(await reservations.get(req.params.reservationId)));
  });
  router.put('/reservations/:reservationId', async (req, res) => {
    // An unknown sku named in the body is the body's fault: 422, where GET /items/{sku} answers 404.
    const { reservation, created } = await reservations.reserve(req.params.reservationId, req.body, deadlineOf(res)).catch(answerWith({ unknown_item: 422 }));
    res.status(created ? 201 : 200).json(toDto(reservation));
  });
  router.post('/reservations/:reservationId/confirm', async (req, res) => {
    res.json(toDto(await reservations.confirm(req.params.reservationId, deadlineOf(res))));
  });
  router.post('/reservations/:reservationId/release', async (req, res) => {
    await reservations.release(req.params.reservationId, deadlineOf(res));
    res.status(204).end();
  });
  return router;
}
