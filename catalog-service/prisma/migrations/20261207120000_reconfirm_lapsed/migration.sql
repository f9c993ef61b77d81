-- Re-authorization after the point of no return (issue 21). A reservation that expired BY TIME
-- (status 'expired': the sweeper gave its stock back; or 'held' past its expiry, not swept yet:
-- its stock is still taken) is confirmed when the stock still allows, at its recorded prices, like
-- a card network re-authorizes a lapsed authorization. A released reservation and a tombstone
-- (an id released before it was reserved) are never confirmed. Lock order as everywhere in
-- Catalog: the reservation row first, then the items in sku order.
--
-- Answers {"confirmed": whether this call moved it, "record": … or null} and, when the stock of a
-- lapsed reservation is gone meanwhile, "shortages": [{sku, requested, available}, …] (nothing changed).
CREATE OR REPLACE FUNCTION confirm_reservation(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_status VARCHAR;
  v_shortages JSONB;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  SELECT status INTO v_status FROM reservations WHERE id = p_id AND request_hash IS NOT NULL FOR UPDATE;
  IF v_status = 'expired' THEN
    PERFORM 1 FROM items WHERE sku IN (SELECT sku FROM reservation_lines WHERE reservation_id = p_id) ORDER BY sku FOR UPDATE;
    SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'requested', l.quantity, 'available', i.stock) ORDER BY l.sku)
      INTO v_shortages
      FROM reservation_lines l JOIN items i ON i.sku = l.sku
     WHERE l.reservation_id = p_id AND i.stock < l.quantity;
    IF v_shortages IS NOT NULL THEN
      RETURN jsonb_build_object('confirmed', false, 'shortages', v_shortages, 'record', reservation_json(p_id));
    END IF;
    UPDATE items i SET stock = i.stock - l.quantity, updated_at = now()
      FROM reservation_lines l WHERE l.reservation_id = p_id AND i.sku = l.sku;
  ELSIF v_status IS DISTINCT FROM 'held' THEN
    RETURN jsonb_build_object('confirmed', false, 'record', reservation_json(p_id));
  END IF;
  UPDATE reservations SET status = 'confirmed', updated_at = now() WHERE id = p_id;
  RETURN jsonb_build_object('confirmed', true, 'record', reservation_json(p_id));
END
$$;
