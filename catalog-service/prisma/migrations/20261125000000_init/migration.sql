-- CreateTable
CREATE TABLE "items" (
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "stock" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "items_pkey" PRIMARY KEY ("sku"),
    -- The last line of defence: whatever the code does, stock never goes below zero.
    CONSTRAINT "items_stock_not_negative" CHECK ("stock" >= 0),
    CONSTRAINT "items_price_not_negative" CHECK ("price_cents" >= 0)
);

-- CreateTable
CREATE TABLE "reservations" (
    "id" VARCHAR(64) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "request_hash" CHAR(64),
    "currency" CHAR(3),
    "total_cents" INTEGER,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reservations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "reservations_status_known" CHECK ("status" IN ('held', 'confirmed', 'released', 'expired'))
);

-- CreateTable
CREATE TABLE "reservation_lines" (
    "reservation_id" VARCHAR(64) NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,

    CONSTRAINT "reservation_lines_pkey" PRIMARY KEY ("reservation_id","sku"),
    CONSTRAINT "reservation_lines_quantity_positive" CHECK ("quantity" > 0)
);

-- CreateIndex
CREATE INDEX "reservations_status_expires_at_idx" ON "reservations"("status", "expires_at");

-- CreateIndex
CREATE INDEX "reservation_lines_sku_idx" ON "reservation_lines"("sku");

-- AddForeignKey
ALTER TABLE "reservation_lines" ADD CONSTRAINT "reservation_lines_reservation_id_fkey" FOREIGN KEY ("reservation_id") REFERENCES "reservations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reservation_lines" ADD CONSTRAINT "reservation_lines_sku_fkey" FOREIGN KEY ("sku") REFERENCES "items"("sku") ON DELETE RESTRICT ON UPDATE CASCADE;
