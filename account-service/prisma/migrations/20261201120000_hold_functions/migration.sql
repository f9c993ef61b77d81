-- A hold's hot steps as one call each: a round trip and a commit per step instead of an
-- interactive transaction of five statements plus reads (issue 14). Lock order as everywhere in
-- Account: the hold row first, then the account. `p_lock_timeout_ms` bounds every lock wait by what
-- is left of the caller's budget (lock_timeout is read when a wait starts).

-- A hold as the API answers it: its effective status (held past its expiry reads expired).
CREATE FUNCTION hold_json(p_id VARCHAR) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', h.id,
           'status', CASE WHEN h.status = 'held' AND h.expires_at <= now() THEN 'expired' ELSE h.status END,
           'accountId', h.account_id, 'amountCents', h.amount_cents, 'currency', h.currency,
           'requestHash', h.request_hash, 'expiresAt', h.expires_at)
    FROM holds h WHERE h.id = p_id
$$;

-- Claims the id and takes the credit with one conditional UPDATE. Answers
--   {"outcome": "created", "record": …}       the credit is held;
--   {"outcome": "existing", "record": …}      the id was there already (a replay, a mismatch, a tombstone);
--   {"outcome": "refused", "account": … or null}
--       nothing changed; the account as it stood under its lock (null: no such account), from which
--       the caller says why (unknown account, other currency, not enough credit).
CREATE FUNCTION place_hold(p_id VARCHAR, p_hash CHAR(64), p_ttl_seconds INT, p_account_id VARCHAR, p_amount_cents INT,
                           p_currency CHAR(3), p_lock_timeout_ms INT)
RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_account JSONB;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  INSERT INTO holds (id, status, request_hash, expires_at, amount_cents, currency)
  VALUES (p_id, 'held', p_hash, now() + make_interval(secs => p_ttl_seconds), p_amount_cents, p_currency)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('outcome', 'existing', 'record', hold_json(p_id));
  END IF;

  UPDATE accounts SET held_cents = held_cents + p_amount_cents, updated_at = now()
   WHERE id = p_account_id AND currency = p_currency AND credit_limit_cents - held_cents - used_cents >= p_amount_cents;
  IF NOT FOUND THEN
    SELECT jsonb_build_object('id', a.id, 'name', a.name, 'currency', a.currency, 'creditLimitCents', a.credit_limit_cents,
                              'heldCents', a.held_cents, 'usedCents', a.used_cents)
      INTO v_account FROM accounts a WHERE a.id = p_account_id;
    DELETE FROM holds WHERE id = p_id; -- our own claim, seen by no one yet
    RETURN jsonb_build_object('outcome', 'refused', 'account', v_account);
  END IF;
  -- The account is attached only once its credit is taken: an unknown account is a refusal, not a foreign-key error.
  UPDATE holds SET account_id = p_account_id WHERE id = p_id;
  RETURN jsonb_build_object('outcome', 'created', 'record', hold_json(p_id));
END
$$;

-- held (and not past its expiry) → captured, its amount moved from held to used credit.
-- Answers {"captured": whether this call moved it, "record": … or null}.
CREATE FUNCTION capture_hold(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_account_id VARCHAR;
  v_amount INT;
  v_moved BOOLEAN;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  UPDATE holds SET status = 'captured', updated_at = now()
   WHERE id = p_id AND status = 'held' AND expires_at > now()
  RETURNING account_id, amount_cents INTO v_account_id, v_amount;
  v_moved := FOUND;
  IF v_moved THEN
    UPDATE accounts SET held_cents = held_cents - v_amount, used_cents = used_cents + v_amount, updated_at = now()
     WHERE id = v_account_id;
  END IF;
  RETURN jsonb_build_object('captured', v_moved, 'record', hold_json(p_id));
END
$$;
