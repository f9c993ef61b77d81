-- The reservation's hot steps as one call each: a round trip and a commit per step instead of a
-- transaction of seven statements plus reads (issue 14). Lock order as everywhere in Catalog: the
-- reservation row first, then the items in sku order. `p_lock_timeout_ms` bounds every lock wait
-- by what is left of the caller's budget (lock_timeout is read when a wait starts, so setting it
-- here bounds the waits below; a statement_timeout set here would only apply to the next statement).

-- A reservation as the API answers it: its effective status (held past its expiry reads expired).
CREATE FUNCTION reservation_json(p_id VARCHAR) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', r.id,
           'status', CASE WHEN r.status = 'held' AND r.expires_at <= now() THEN 'expired' ELSE r.status END,
           'requestHash', r.request_hash, 'totalCents', r.total_cents, 'currency', r.currency, 'expiresAt', r.expires_at,
           'lines', COALESCE((SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) ORDER BY l.sku)
                                FROM reservation_lines l WHERE l.reservation_id = r.id), '[]'::jsonb))
    FROM reservations r WHERE r.id = p_id
$$;

-- Claims the id and takes the stock of every line, or of none. Answers
--   {"outcome": "created", "record": …}                the stock is taken;
--   {"outcome": "existing", "record": …}               the id was there already (a replay, a mismatch, a tombstone);
--   {"outcome": "refused", "items": [{sku, stock, priceCents, currency}, …]}
--       nothing changed; the items as locked, from which the caller says why (unknown sku, mixed
--       currencies, out of stock, total too large). The conditions here are exactly those.
-- p_skus are distinct and sorted; p_quantities are positive.
CREATE FUNCTION reserve_stock(p_id VARCHAR, p_hash CHAR(64), p_ttl_seconds INT, p_skus VARCHAR[], p_quantities INT[], p_lock_timeout_ms INT)
RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_items JSONB;
  v_ok BOOLEAN;
  v_total BIGINT;
  v_currency CHAR(3);
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  INSERT INTO reservations (id, status, request_hash, expires_at)
  VALUES (p_id, 'held', p_hash, now() + make_interval(secs => p_ttl_seconds))
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('outcome', 'existing', 'record', reservation_json(p_id));
  END IF;

  WITH locked AS (
    SELECT i.sku, i.stock, i.price_cents, i.currency FROM items i WHERE i.sku = ANY(p_skus) ORDER BY i.sku FOR UPDATE
  )
  SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'stock', l.stock, 'priceCents', l.price_cents, 'currency', l.currency) ORDER BY l.sku),
         count(*) = cardinality(p_skus) AND count(DISTINCT l.currency) = 1 AND bool_and(l.stock >= w.quantity)
           AND sum(w.quantity::BIGINT * l.price_cents) <= 2147483647,
         sum(w.quantity::BIGINT * l.price_cents), min(l.currency)
    INTO v_items, v_ok, v_total, v_currency
    FROM locked l JOIN unnest(p_skus, p_quantities) AS w(sku, quantity) ON w.sku = l.sku;

  IF NOT COALESCE(v_ok, false) THEN
    DELETE FROM reservations WHERE id = p_id; -- our own claim, seen by no one yet
    RETURN jsonb_build_object('outcome', 'refused', 'items', COALESCE(v_items, '[]'::jsonb));
  END IF;

  UPDATE items i SET stock = i.stock - w.quantity, updated_at = now()
    FROM unnest(p_skus, p_quantities) AS w(sku, quantity) WHERE i.sku = w.sku;
  INSERT INTO reservation_lines (reservation_id, sku, quantity, unit_price_cents)
  SELECT p_id, w.sku, w.quantity, i.price_cents FROM unnest(p_skus, p_quantities) AS w(sku, quantity) JOIN items i ON i.sku = w.sku;
  UPDATE reservations SET currency = v_currency, total_cents = v_total WHERE id = p_id;
  RETURN jsonb_build_object('outcome', 'created', 'record', reservation_json(p_id));
END
$$;

-- held (and not past its expiry) → confirmed. Answers {"confirmed": whether this call moved it, "record": … or null}.
CREATE FUNCTION confirm_reservation(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_moved BOOLEAN;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  UPDATE reservations SET status = 'confirmed', updated_at = now() WHERE id = p_id AND status = 'held' AND expires_at > now();
  v_moved := FOUND;
  RETURN jsonb_build_object('confirmed', v_moved, 'record', reservation_json(p_id));
END
$$;
