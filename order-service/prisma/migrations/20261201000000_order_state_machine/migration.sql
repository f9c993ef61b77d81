-- The order's life as one explicit state (see order-service/src/domain/order-state.ts):
-- pending -> committing (the point of no return) -> confirmed; pending -> rejected | failed;
-- committing -> failed | needs_attention; rejected | failed -> needs_attention (a release refused).
-- `status` + `step` + `compensation_pending` become `state` + `releases_owed`, and recovery is
-- scheduled by `next_attempt_at` (database clock) with a lease that names its owner.

ALTER TABLE "orders" DROP CONSTRAINT "orders_status_known";
ALTER TABLE "orders" DROP CONSTRAINT "orders_step_known";
ALTER TABLE "orders" RENAME COLUMN "status" TO "state";
UPDATE "orders" SET "state" = 'committing' WHERE "state" = 'pending' AND "step" = 'committing';
ALTER TABLE "orders" ALTER COLUMN "state" TYPE VARCHAR(20);
ALTER TABLE "orders" ADD CONSTRAINT "orders_state_known"
  CHECK ("state" IN ('pending', 'committing', 'confirmed', 'rejected', 'failed', 'needs_attention'));

ALTER TABLE "orders" RENAME COLUMN "compensation_pending" TO "releases_owed";
ALTER TABLE "orders" ADD CONSTRAINT "orders_releases_owed_final"
  CHECK (NOT "releases_owed" OR "state" IN ('rejected', 'failed'));
ALTER TABLE "orders" DROP COLUMN "step";

-- When recovery may look at the order next: the grace period after it was claimed, then backoff.
ALTER TABLE "orders" ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "orders" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "orders" ADD COLUMN "lease_owner" UUID;

-- Stored problems become reasons (the route maps a reason's code to its HTTP status).
UPDATE "orders" SET "problem" = "problem" - 'status' WHERE "problem" ? 'status';
ALTER TABLE "orders" RENAME COLUMN "problem" TO "reason";

DROP INDEX "orders_status_updated_at_idx";
CREATE INDEX "orders_state_created_at_idx" ON "orders"("state", "created_at");
-- What recovery leases, by when it is due; needs_attention and settled orders are never in it.
CREATE INDEX "orders_recovery_due_idx" ON "orders"("next_attempt_at")
  WHERE "state" IN ('pending', 'committing') OR "releases_owed";
