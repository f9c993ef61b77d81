-- An operator's settlement of a needs_attention order: who decided what, why and when
-- ({ action: retry | accept | fail, by, why, at, from: the reason it needed attention for }).
-- Kept on the order for good, so the order's history says a person decided its end.
ALTER TABLE "orders" ADD COLUMN "settlement" JSONB;
