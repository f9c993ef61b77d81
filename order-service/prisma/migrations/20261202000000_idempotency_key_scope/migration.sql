-- An Idempotency-Key belongs to the account the order is for (a customer can place orders only for
-- the account of their token, so this is the principal): the same key from two customers makes two
-- independent orders, and one customer can neither see nor block another's key.
DROP INDEX "orders_idempotency_key_key";
CREATE UNIQUE INDEX "orders_account_id_idempotency_key_key" ON "orders"("account_id", "idempotency_key");

-- The purge of expired keys reads only the keys still held, oldest first.
CREATE INDEX "orders_idempotency_expires_at_idx" ON "orders"("idempotency_expires_at") WHERE "idempotency_key" IS NOT NULL;

-- Whether the request that claimed the order may still be running. It answers for the order until
-- it ends; one that ends with the order undecided (or owing releases) hands it to recovery at once,
-- so a duplicate learns `409 request_in_progress` exactly while the first request runs, and
-- recovery does not wait out the grace period for a request that has already answered.
ALTER TABLE "orders" ADD COLUMN "request_open" BOOLEAN NOT NULL DEFAULT true;
