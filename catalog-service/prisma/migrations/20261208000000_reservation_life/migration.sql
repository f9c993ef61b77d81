-- The reservation's whole life in SQL (claim, confirm, release, expiry, the refusal rule), as
-- prisma/sql/reservation.sql defined it when this migration was written; that file is the current
-- definition (test/reservation-sql.test.ts keeps the two equal).

-- A reservation as the API answers it: its effective status (held past its expiry reads expired).
CREATE OR REPLACE FUNCTION reservation_json(p_id VARCHAR) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', r.id,
           'status', CASE WHEN r.status = 'held' AND r.expires_at <= now() THEN 'expired' ELSE r.status END,
           'requestHash', r.request_hash, 'totalCents', r.total_cents, 'currency', r.currency, 'expiresAt', r.expires_at,
           'lines', COALESCE((SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) ORDER BY l.sku)
                                FROM reservation_lines l WHERE l.reservation_id = r.id), '[]'::jsonb))
    FROM reservations r WHERE r.id = p_id
$$;

-- The refusal rule: why the items (locked by the caller) do not take these lines, or NULL when they
-- do. In this order: skus not known (unknown_item, `skus` in line order), lines in more than one
-- currency (mixed_currencies, `currencies` in sku order), lines the stock cannot cover
-- (out_of_stock, `shortages` in line order), a total past 2147483647 (total_too_large).
CREATE OR REPLACE FUNCTION reservation_refusal(p_skus VARCHAR[], p_quantities INT[]) RETURNS JSONB LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_unknown JSONB;
  v_currencies JSONB;
  v_shortages JSONB;
  v_total BIGINT;
BEGIN
  SELECT jsonb_agg(w.sku ORDER BY w.n) INTO v_unknown
    FROM unnest(p_skus) WITH ORDINALITY AS w(sku, n) WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.sku = w.sku);
  IF v_unknown IS NOT NULL THEN
    RETURN jsonb_build_object('code', 'unknown_item', 'details', jsonb_build_object('skus', v_unknown));
  END IF;
  SELECT jsonb_agg(c.currency ORDER BY c.first_sku) INTO v_currencies
    FROM (SELECT i.currency, min(i.sku) AS first_sku FROM items i WHERE i.sku = ANY(p_skus) GROUP BY i.currency) c;
  IF jsonb_array_length(v_currencies) > 1 THEN
    RETURN jsonb_build_object('code', 'mixed_currencies', 'details', jsonb_build_object('currencies', v_currencies));
  END IF;
  SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'requested', w.quantity, 'available', i.stock) ORDER BY w.n) FILTER (WHERE i.stock < w.quantity),
         sum(w.quantity::BIGINT * i.price_cents)
    INTO v_shortages, v_total
    FROM unnest(p_skus, p_quantities) WITH ORDINALITY AS w(sku, quantity, n) JOIN items i ON i.sku = w.sku;
  IF v_shortages IS NOT NULL THEN
    RETURN jsonb_build_object('code', 'out_of_stock', 'details', jsonb_build_object('shortages', v_shortages));
  END IF;
  IF v_total > 2147483647 THEN
    RETURN jsonb_build_object('code', 'total_too_large', 'details', '{}'::jsonb);
  END IF;
  RETURN NULL;
END
$$;

-- Claims the id and takes the stock of every line, or of none. Answers
--   {"outcome": "created", "record": …}                the stock is taken;
--   {"outcome": "existing", "record": …}               the id was there already (a replay, a mismatch, a tombstone);
--   {"outcome": "refused", "refusal": {code, details}} nothing changed (reservation_refusal).
-- p_skus are distinct and sorted; p_quantities are positive.
CREATE OR REPLACE FUNCTION reserve_stock(p_id VARCHAR, p_hash CHAR(64), p_ttl_seconds INT, p_skus VARCHAR[], p_quantities INT[], p_lock_timeout_ms INT)
RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_refusal JSONB;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  INSERT INTO reservations (id, status, request_hash, expires_at)
  VALUES (p_id, 'held', p_hash, now() + make_interval(secs => p_ttl_seconds))
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('outcome', 'existing', 'record', reservation_json(p_id));
  END IF;

  PERFORM 1 FROM items WHERE sku = ANY(p_skus) ORDER BY sku FOR UPDATE;
  v_refusal := reservation_refusal(p_skus, p_quantities);
  IF v_refusal IS NOT NULL THEN
    DELETE FROM reservations WHERE id = p_id; -- our own claim, seen by no one yet
    RETURN jsonb_build_object('outcome', 'refused', 'refusal', v_refusal);
  END IF;

  UPDATE items i SET stock = i.stock - w.quantity, updated_at = now()
    FROM unnest(p_skus, p_quantities) AS w(sku, quantity) WHERE i.sku = w.sku;
  INSERT INTO reservation_lines (reservation_id, sku, quantity, unit_price_cents)
  SELECT p_id, w.sku, w.quantity, i.price_cents FROM unnest(p_skus, p_quantities) AS w(sku, quantity) JOIN items i ON i.sku = w.sku;
  UPDATE reservations r SET currency = t.currency, total_cents = t.total
    FROM (SELECT min(i.currency) AS currency, sum(l.quantity::BIGINT * l.unit_price_cents)::INT AS total
            FROM reservation_lines l JOIN items i ON i.sku = l.sku WHERE l.reservation_id = p_id) t
   WHERE r.id = p_id;
  RETURN jsonb_build_object('outcome', 'created', 'record', reservation_json(p_id));
END
$$;

-- Settles a reservation. held (even past its expiry, not swept yet: its stock is still taken) →
-- confirmed; confirmed answers again (idempotent). One that expired BY TIME and was swept (its
-- stock went back) is re-authorized: confirmed when every line's stock still covers it, at its
-- recorded prices, else refused out_of_stock (`shortages` in sku order) and nothing changes. A
-- released reservation and a tombstone are refused reservation_expired; an unknown id
-- unknown_reservation. Answers {"confirmed": whether this call moved it, "record": … or null,
-- "refusal": {code, details} when refused}.
CREATE OR REPLACE FUNCTION confirm_reservation(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_status VARCHAR;
  v_hash CHAR(64);
  v_shortages JSONB;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  SELECT status, request_hash INTO v_status, v_hash FROM reservations WHERE id = p_id FOR UPDATE;
  IF NOT FOUND OR (v_hash IS NULL AND v_status <> 'released') THEN
    RETURN jsonb_build_object('confirmed', false, 'record', reservation_json(p_id),
                              'refusal', jsonb_build_object('code', 'unknown_reservation', 'details', '{}'::jsonb));
  END IF;
  IF v_status = 'confirmed' THEN
    RETURN jsonb_build_object('confirmed', false, 'record', reservation_json(p_id));
  END IF;
  IF v_hash IS NULL OR v_status NOT IN ('held', 'expired') THEN
    RETURN jsonb_build_object('confirmed', false, 'record', reservation_json(p_id),
                              'refusal', jsonb_build_object('code', 'reservation_expired', 'details', jsonb_build_object('reservationStatus', v_status)));
  END IF;
  IF v_status = 'expired' THEN
    PERFORM 1 FROM items WHERE sku IN (SELECT sku FROM reservation_lines WHERE reservation_id = p_id) ORDER BY sku FOR UPDATE;
    SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'requested', l.quantity, 'available', i.stock) ORDER BY l.sku)
      INTO v_shortages
      FROM reservation_lines l JOIN items i ON i.sku = l.sku
     WHERE l.reservation_id = p_id AND i.stock < l.quantity;
    IF v_shortages IS NOT NULL THEN
      RETURN jsonb_build_object('confirmed', false, 'record', reservation_json(p_id),
                                'refusal', jsonb_build_object('code', 'out_of_stock', 'details', jsonb_build_object('shortages', v_shortages)));
    END IF;
    UPDATE items i SET stock = i.stock - l.quantity, updated_at = now()
      FROM reservation_lines l WHERE l.reservation_id = p_id AND i.sku = l.sku;
  END IF;
  UPDATE reservations SET status = 'confirmed', updated_at = now() WHERE id = p_id;
  RETURN jsonb_build_object('confirmed', true, 'record', reservation_json(p_id));
END
$$;

-- Adds the quantities of these reservations back to their items. The items are locked in sku
-- order first, like a claim locks them: an UPDATE … FROM a join locks rows in whatever order the
-- plan gives, and a release and a sweep (or two releases) sharing two skus then deadlocked.
CREATE OR REPLACE FUNCTION return_reserved_stock(p_ids VARCHAR[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM items WHERE sku IN (SELECT sku FROM reservation_lines WHERE reservation_id = ANY(p_ids)) ORDER BY sku FOR UPDATE;
  UPDATE items i SET stock = i.stock + back.quantity, updated_at = now()
    FROM (SELECT sku, SUM(quantity)::int AS quantity FROM reservation_lines WHERE reservation_id = ANY(p_ids) GROUP BY sku) back
   WHERE i.sku = back.sku;
END
$$;

-- Releases, idempotently: held → released with its stock back; expired → released (its stock went
-- back when it expired; from now on it is never re-authorized); released stays; confirmed is
-- refused reservation_confirmed. An unknown id is closed with a tombstone (a released row with no
-- request), so a claim that arrives after its own compensation holds nothing. Each statement sees
-- what committed before it (read committed), so a claim that commits between two of them (or
-- while the tombstone insert waits on it) is seen held and released on the next round.
-- Answers {"before": the status it had, or null for an unknown id, "refusal": … when refused}.
CREATE OR REPLACE FUNCTION release_reservation(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_status VARCHAR;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  FOR round IN 1..3 LOOP
    UPDATE reservations SET status = 'released', updated_at = now() WHERE id = p_id AND status = 'held';
    IF FOUND THEN
      PERFORM return_reserved_stock(ARRAY[p_id]);
      RETURN jsonb_build_object('before', 'held');
    END IF;
    UPDATE reservations SET status = 'released', updated_at = now() WHERE id = p_id AND status = 'expired';
    IF FOUND THEN
      RETURN jsonb_build_object('before', 'expired');
    END IF;
    SELECT status INTO v_status FROM reservations WHERE id = p_id;
    IF v_status = 'confirmed' THEN
      RETURN jsonb_build_object('before', v_status, 'refusal', jsonb_build_object('code', 'reservation_confirmed', 'details', '{}'::jsonb));
    ELSIF v_status = 'released' THEN
      RETURN jsonb_build_object('before', v_status);
    ELSIF v_status IS NULL THEN
      INSERT INTO reservations (id, status, expires_at) VALUES (p_id, 'released', now()) ON CONFLICT (id) DO NOTHING;
      IF FOUND THEN
        RETURN jsonb_build_object('before', NULL);
      END IF;
    END IF;
    -- held or expired after all (claimed, or swept, just after our UPDATEs): close it on the next round
  END LOOP;
  RAISE EXCEPTION 'reservation % neither found nor insertable', p_id;
END
$$;

-- Expires held reservations past their time and gives their stock back; the number expired.
-- SKIP LOCKED lets several instances sweep side by side without waiting on, or double-counting,
-- each other.
CREATE OR REPLACE FUNCTION expire_reservations(p_batch_size INT, p_lock_timeout_ms INT) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
  v_ids VARCHAR[];
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  WITH expired AS (
    UPDATE reservations SET status = 'expired', updated_at = now()
     WHERE id IN (SELECT id FROM reservations WHERE status = 'held' AND expires_at <= now()
                   ORDER BY expires_at LIMIT p_batch_size FOR UPDATE SKIP LOCKED)
    RETURNING id
  )
  SELECT array_agg(id) INTO v_ids FROM expired;
  IF v_ids IS NOT NULL THEN
    PERFORM return_reserved_stock(v_ids);
  END IF;
  RETURN COALESCE(cardinality(v_ids), 0);
END
$$;
