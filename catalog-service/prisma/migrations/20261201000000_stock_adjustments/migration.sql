-- Stock moves by adjustment (POST /items/{sku}/stock-adjustments), each recorded once by its
-- caller-chosen id: a retry of the same adjustment is answered from here and moves nothing.

-- CreateTable
CREATE TABLE "stock_adjustments" (
    "id" VARCHAR(64) NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "delta" INTEGER NOT NULL,
    "reason" VARCHAR(200) NOT NULL,
    "stock_after" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_adjustments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "stock_adjustments_delta_not_zero" CHECK ("delta" <> 0),
    CONSTRAINT "stock_adjustments_stock_after_not_negative" CHECK ("stock_after" >= 0)
);

-- CreateIndex
CREATE INDEX "stock_adjustments_sku_idx" ON "stock_adjustments"("sku");

-- AddForeignKey
ALTER TABLE "stock_adjustments" ADD CONSTRAINT "stock_adjustments_sku_fkey" FOREIGN KEY ("sku") REFERENCES "items"("sku") ON DELETE RESTRICT ON UPDATE CASCADE;
