-- CreateTable
CREATE TABLE "accounts" (
    "id" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "credit_limit_cents" INTEGER NOT NULL,
    "held_cents" INTEGER NOT NULL DEFAULT 0,
    "used_cents" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "accounts_credit_limit_not_negative" CHECK ("credit_limit_cents" >= 0),
    CONSTRAINT "accounts_held_not_negative" CHECK ("held_cents" >= 0),
    CONSTRAINT "accounts_used_not_negative" CHECK ("used_cents" >= 0),
    -- The last line of defence: whatever the code does, an account never commits more than its limit.
    CONSTRAINT "accounts_within_credit_limit" CHECK ("held_cents" + "used_cents" <= "credit_limit_cents")
);

-- CreateTable
CREATE TABLE "holds" (
    "id" VARCHAR(64) NOT NULL,
    "account_id" VARCHAR(64),
    "amount_cents" INTEGER,
    "currency" CHAR(3),
    "status" VARCHAR(16) NOT NULL,
    "request_hash" CHAR(64),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "holds_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "holds_status_known" CHECK ("status" IN ('held', 'captured', 'released', 'expired')),
    CONSTRAINT "holds_amount_positive" CHECK ("amount_cents" > 0),
    -- A row without a request is a tombstone: an id released before it was held, holding nothing.
    CONSTRAINT "holds_tombstone_released" CHECK ("request_hash" IS NOT NULL OR ("status" = 'released' AND "amount_cents" IS NULL)),
    CONSTRAINT "holds_request_complete" CHECK ("request_hash" IS NULL OR ("amount_cents" IS NOT NULL AND "currency" IS NOT NULL))
);

-- CreateIndex
CREATE INDEX "holds_status_expires_at_idx" ON "holds"("status", "expires_at");

-- CreateIndex
CREATE INDEX "holds_account_id_idx" ON "holds"("account_id");

-- AddForeignKey
ALTER TABLE "holds" ADD CONSTRAINT "holds_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
