-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "idempotency_key" VARCHAR(255),
    "idempotency_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "account_id" VARCHAR(64) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "step" VARCHAR(16) NOT NULL DEFAULT 'started',
    "lines" JSONB NOT NULL,
    "total_cents" INTEGER,
    "currency" CHAR(3),
    "problem" JSONB,
    "compensation_pending" BOOLEAN NOT NULL DEFAULT false,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "orders_status_known" CHECK ("status" IN ('pending', 'confirmed', 'rejected', 'failed')),
    CONSTRAINT "orders_step_known" CHECK ("step" IN ('started', 'committing', 'done'))
);

-- CreateIndex
CREATE UNIQUE INDEX "orders_idempotency_key_key" ON "orders"("idempotency_key");

-- CreateIndex
CREATE INDEX "orders_status_updated_at_idx" ON "orders"("status", "updated_at");

-- CreateIndex
CREATE INDEX "orders_account_id_created_at_idx" ON "orders"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "orders_created_at_idx" ON "orders"("created_at");
