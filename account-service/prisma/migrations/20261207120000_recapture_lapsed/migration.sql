-- Re-authorization after the point of no return (issue 21). A hold that expired BY TIME (status
-- 'expired': the sweeper gave its credit back; or 'held' past its expiry, not swept yet: its credit
-- is still held) is captured when the credit still allows: one conditional UPDATE of the account
-- takes the amount straight into used credit, within the limit (the table's CHECK is the last line
-- of defence). A released hold and a tombstone (an id released before it was held) are never
-- captured. Lock order as everywhere in Account: the hold row first, then the account.
--
-- Answers {"captured": whether this call moved it, "record": … or null} and, when the credit of a
-- lapsed hold is gone meanwhile, "availableCreditCents" (nothing changed).
CREATE OR REPLACE FUNCTION capture_hold(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_status VARCHAR;
  v_account_id VARCHAR;
  v_amount INT;
  v_available BIGINT;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  SELECT status, account_id, amount_cents INTO v_status, v_account_id, v_amount
    FROM holds WHERE id = p_id AND request_hash IS NOT NULL FOR UPDATE;
  IF v_status = 'held' THEN
    UPDATE accounts SET held_cents = held_cents - v_amount, used_cents = used_cents + v_amount, updated_at = now()
     WHERE id = v_account_id;
  ELSIF v_status = 'expired' THEN
    UPDATE accounts SET used_cents = used_cents + v_amount, updated_at = now()
     WHERE id = v_account_id AND credit_limit_cents - held_cents - used_cents >= v_amount;
    IF NOT FOUND THEN
      SELECT credit_limit_cents - held_cents - used_cents INTO v_available FROM accounts WHERE id = v_account_id;
      RETURN jsonb_build_object('captured', false, 'availableCreditCents', v_available, 'record', hold_json(p_id));
    END IF;
  ELSE
    RETURN jsonb_build_object('captured', false, 'record', hold_json(p_id));
  END IF;
  UPDATE holds SET status = 'captured', updated_at = now() WHERE id = p_id;
  RETURN jsonb_build_object('captured', true, 'record', hold_json(p_id));
END
$$;
