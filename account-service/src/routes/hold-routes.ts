import { Router } from 'express';
import { answerWith, deadlineOf } from 'service-platform';
import type { Hold, HoldService } from '../domain/holds';

const toDto = (h: Hold) => ({
  id: h.id,
  accountId: h.accountId,
  amountCents: h.amountCents,
  currency: h.currency,
  status: h.status,
  expiresAt: h.expiresAt.toISOString(),
});

/** Only Order calls these: the document's `security` (serviceToken), checked by service-platform `authenticate`. */
export function holdRoutes(holds: HoldService): Router {
  const router = Router();
  router.get('/holds/:holdId', async (req, res) => {
    res.json(toDto(await holds.get(req.params.holdId)));
  });
  router.put('/holds/:holdId', async (req, res) => {
    // An unknown account named in the body is the body's fault: 422, where GET /accounts/{id} answers 404.
    const { hold, created } = await holds.place(req.params.holdId, req.body, deadlineOf(res)).catch(answerWith({ unknown_account: 422 }));
    res.status(created ? 201 : 200).json(toDto(hold));
  });
  router.post('/holds/:holdId/capture', async (req, res) => {
    res.json(toDto(await holds.capture(req.params.holdId, deadlineOf(res))));
  });
  router.post('/holds/:holdId/release', async (req, res) => {
    await holds.release(req.params.holdId, deadlineOf(res));
    res.status(204).end();
  });
  return router;
}
