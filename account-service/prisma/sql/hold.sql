-- A hold's whole life, as the database runs it: claim, capture, release, expiry, and the one
-- refusal rule. This file is the current definition; the migrations are how a database gets there,
-- and test/hold-sql.test.ts keeps the two equal (docs/commitments.md).
--
-- Lock order everywhere: the hold row first, then the account(s) in id order. `p_lock_timeout_ms`
-- bounds every lock wait by what is left of the caller's budget (lock_timeout is read when a wait
-- starts). A refusal is {"code": …, "details": {…}}, the code a row of Account's problem table
-- (src/routes/problems.ts).

-- A hold as the API answers it: its effective status (held past its expiry reads expired).
CREATE OR REPLACE FUNCTION hold_json(p_id VARCHAR) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
           'id', h.id,
           'status', CASE WHEN h.status = 'held' AND h.expires_at <= now() THEN 'expired' ELSE h.status END,
           'accountId', h.account_id, 'amountCents', h.amount_cents, 'currency', h.currency,
           'requestHash', h.request_hash, 'expiresAt', h.expires_at)
    FROM holds h WHERE h.id = p_id
$$;

-- The refusal rule: why the account does not take this amount, or NULL when it does. In this
-- order: no such account (unknown_account, `accountId`), another currency (currency_mismatch,
-- `accountCurrency`), not enough credit left (insufficient_credit, `requestedCents` and
-- `availableCreditCents`, never below 0).
CREATE OR REPLACE FUNCTION hold_refusal(p_account_id VARCHAR, p_amount_cents INT, p_currency CHAR(3)) RETURNS JSONB LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_currency CHAR(3);
  v_available BIGINT;
BEGIN
  SELECT a.currency, a.credit_limit_cents::BIGINT - a.held_cents - a.used_cents INTO v_currency, v_available
    FROM accounts a WHERE a.id = p_account_id;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('code', 'unknown_account', 'details', jsonb_build_object('accountId', p_account_id));
  ELSIF v_currency <> p_currency THEN
    RETURN jsonb_build_object('code', 'currency_mismatch', 'details', jsonb_build_object('accountCurrency', v_currency));
  ELSIF v_available < p_amount_cents THEN
    RETURN jsonb_build_object('code', 'insufficient_credit',
                              'details', jsonb_build_object('requestedCents', p_amount_cents, 'availableCreditCents', greatest(v_available, 0)));
  END IF;
  RETURN NULL;
END
$$;

-- Claims the id and takes the credit. Answers
--   {"outcome": "created", "record": …}                the credit is held;
--   {"outcome": "existing", "record": …}               the id was there already (a replay, a mismatch, a tombstone);
--   {"outcome": "refused", "refusal": {code, details}} nothing changed (hold_refusal).
CREATE OR REPLACE FUNCTION place_hold(p_id VARCHAR, p_hash CHAR(64), p_ttl_seconds INT, p_account_id VARCHAR, p_amount_cents INT,
                           p_currency CHAR(3), p_lock_timeout_ms INT)
RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_refusal JSONB;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  INSERT INTO holds (id, status, request_hash, expires_at, amount_cents, currency)
  VALUES (p_id, 'held', p_hash, now() + make_interval(secs => p_ttl_seconds), p_amount_cents, p_currency)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('outcome', 'existing', 'record', hold_json(p_id));
  END IF;

  PERFORM 1 FROM accounts WHERE id = p_account_id FOR UPDATE;
  v_refusal := hold_refusal(p_account_id, p_amount_cents, p_currency);
  IF v_refusal IS NOT NULL THEN
    DELETE FROM holds WHERE id = p_id; -- our own claim, seen by no one yet
    RETURN jsonb_build_object('outcome', 'refused', 'refusal', v_refusal);
  END IF;
  UPDATE accounts SET held_cents = held_cents + p_amount_cents, updated_at = now() WHERE id = p_account_id;
  -- The account is attached only once its credit is taken: an unknown account is a refusal, not a foreign-key error.
  UPDATE holds SET account_id = p_account_id WHERE id = p_id;
  RETURN jsonb_build_object('outcome', 'created', 'record', hold_json(p_id));
END
$$;

-- Settles a hold. held (even past its expiry, not swept yet: its credit is still held) → captured,
-- its amount moved from held to used credit; captured answers again (idempotent). One that expired
-- BY TIME and was swept (its credit went back) is re-authorized: one conditional UPDATE takes the
-- amount straight into used credit within the limit (the table's CHECK is the last line of
-- defence), else refused insufficient_credit and nothing changes. A released hold and a tombstone
-- are refused hold_expired; an unknown id unknown_hold. Answers {"captured": whether this call
-- moved it, "record": … or null, "refusal": {code, details} when refused}.
CREATE OR REPLACE FUNCTION capture_hold(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_status VARCHAR;
  v_hash CHAR(64);
  v_account_id VARCHAR;
  v_amount INT;
  v_available BIGINT;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  SELECT status, request_hash, account_id, amount_cents INTO v_status, v_hash, v_account_id, v_amount
    FROM holds WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('captured', false, 'record', NULL,
                              'refusal', jsonb_build_object('code', 'unknown_hold', 'details', '{}'::jsonb));
  END IF;
  IF v_status = 'captured' THEN
    RETURN jsonb_build_object('captured', false, 'record', hold_json(p_id));
  END IF;
  IF v_hash IS NULL OR v_status NOT IN ('held', 'expired') THEN
    RETURN jsonb_build_object('captured', false, 'record', hold_json(p_id),
                              'refusal', jsonb_build_object('code', 'hold_expired', 'details', jsonb_build_object('holdStatus', v_status)));
  END IF;
  IF v_status = 'held' THEN
    UPDATE accounts SET held_cents = held_cents - v_amount, used_cents = used_cents + v_amount, updated_at = now()
     WHERE id = v_account_id;
  ELSE
    UPDATE accounts SET used_cents = used_cents + v_amount, updated_at = now()
     WHERE id = v_account_id AND credit_limit_cents - held_cents - used_cents >= v_amount;
    IF NOT FOUND THEN
      SELECT credit_limit_cents - held_cents - used_cents INTO v_available FROM accounts WHERE id = v_account_id;
      RETURN jsonb_build_object('captured', false, 'record', hold_json(p_id),
                                'refusal', jsonb_build_object('code', 'insufficient_credit',
                                  'details', jsonb_build_object('requestedCents', v_amount, 'availableCreditCents', v_available)));
    END IF;
  END IF;
  UPDATE holds SET status = 'captured', updated_at = now() WHERE id = p_id;
  RETURN jsonb_build_object('captured', true, 'record', hold_json(p_id));
END
$$;

-- Gives the amounts of these holds back to their accounts. The accounts are locked in id order
-- first: a sweep touches several, and two sweeps locking them in different orders could deadlock.
CREATE OR REPLACE FUNCTION return_held_credit(p_ids VARCHAR[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM accounts WHERE id IN (SELECT account_id FROM holds WHERE id = ANY(p_ids)) ORDER BY id FOR UPDATE;
  UPDATE accounts a SET held_cents = a.held_cents - back.amount, updated_at = now()
    FROM (SELECT account_id, SUM(amount_cents)::int AS amount FROM holds WHERE id = ANY(p_ids) GROUP BY account_id) back
   WHERE a.id = back.account_id;
END
$$;

-- Releases, idempotently: held → released with its credit back; expired → released (its credit
-- went back when it expired; from now on it is never re-authorized); released stays; captured is
-- refused hold_captured. An unknown id is closed with a tombstone (a released row with no
-- request), so a claim that arrives after its own compensation holds nothing. Each statement sees
-- what committed before it (read committed), so a claim that commits between two of them (or
-- while the tombstone insert waits on it) is seen held and released on the next round.
-- Answers {"before": the status it had, or null for an unknown id, "refusal": … when refused}.
CREATE OR REPLACE FUNCTION release_hold(p_id VARCHAR, p_lock_timeout_ms INT) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_status VARCHAR;
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  FOR round IN 1..3 LOOP
    UPDATE holds SET status = 'released', updated_at = now() WHERE id = p_id AND status = 'held';
    IF FOUND THEN
      PERFORM return_held_credit(ARRAY[p_id]);
      RETURN jsonb_build_object('before', 'held');
    END IF;
    UPDATE holds SET status = 'released', updated_at = now() WHERE id = p_id AND status = 'expired';
    IF FOUND THEN
      RETURN jsonb_build_object('before', 'expired');
    END IF;
    SELECT status INTO v_status FROM holds WHERE id = p_id;
    IF v_status = 'captured' THEN
      RETURN jsonb_build_object('before', v_status, 'refusal', jsonb_build_object('code', 'hold_captured', 'details', '{}'::jsonb));
    ELSIF v_status = 'released' THEN
      RETURN jsonb_build_object('before', v_status);
    ELSIF v_status IS NULL THEN
      INSERT INTO holds (id, status, expires_at) VALUES (p_id, 'released', now()) ON CONFLICT (id) DO NOTHING;
      IF FOUND THEN
        RETURN jsonb_build_object('before', NULL);
      END IF;
    END IF;
    -- held or expired after all (claimed, or swept, just after our UPDATEs): close it on the next round
  END LOOP;
  RAISE EXCEPTION 'hold % neither found nor insertable', p_id;
END
$$;

-- Expires held holds past their time and gives their credit back; the number expired. SKIP LOCKED
-- lets several instances sweep side by side without waiting on, or double-counting, each other.
CREATE OR REPLACE FUNCTION expire_holds(p_batch_size INT, p_lock_timeout_ms INT) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
  v_ids VARCHAR[];
BEGIN
  PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
  WITH expired AS (
    UPDATE holds SET status = 'expired', updated_at = now()
     WHERE id IN (SELECT id FROM holds WHERE status = 'held' AND expires_at <= now()
                   ORDER BY expires_at LIMIT p_batch_size FOR UPDATE SKIP LOCKED)
    RETURNING id
  )
  SELECT array_agg(id) INTO v_ids FROM expired;
  IF v_ids IS NOT NULL THEN
    PERFORM return_held_credit(v_ids);
  END IF;
  RETURN COALESCE(cardinality(v_ids), 0);
END
$$;
