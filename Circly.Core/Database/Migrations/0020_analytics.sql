-- Analytics module (docs/ANONYMITY.md "Analytics", docs/ARCHITECTURE.md "Analytics").
-- The 0001 table was never written: it had a user id and an exact time on every row, which the
-- design below rules out. It goes, with its indexes.
DROP TABLE analytics_events;

-- Raw product events, as the outbox consumer records them. A row has a day and never a time; no
-- user id, only two pseudonyms (HMACs under the keys of its ISO week and its calendar month, which
-- are discarded once that period is aggregated); never an option, a voter hash or a device. A vote
-- row names its poll and nothing about who cast it (actor columns NULL, enforced below).
-- Partitioned by month: retention drops whole months (bench/results/analytics-store-*.md says why
-- PostgreSQL and not Table Storage).
CREATE TABLE analytics_events (
    day          date NOT NULL,
    event_id     uuid NOT NULL,
    event_name   text NOT NULL CHECK (event_name IN (
                     'account_created', 'circle_created', 'circle_joined', 'circle_left', 'poll_created', 'poll_closed',
                     'vote_cast', 'push_sent', 'push_receipts', 'notification_opened', 'report_filed', 'report_resolved')),
    circle_id    uuid,
    poll_id      uuid,
    actor_week   bytea CHECK (octet_length(actor_week) = 16),
    actor_month  bytea CHECK (octet_length(actor_month) = 16),
    -- How many: 1, or a batch's count (pushes sent, receipts, reports resolved), or a closed poll's votes.
    quantity     integer NOT NULL DEFAULT 1 CHECK (quantity >= 0),
    -- The second count of a batch: failed pushes or receipts; a closed poll's eligible voters.
    quantity2    integer NOT NULL DEFAULT 0 CHECK (quantity2 >= 0),
    PRIMARY KEY (day, event_id),
    CHECK (event_name <> 'vote_cast' OR (actor_week IS NULL AND actor_month IS NULL))
) PARTITION BY RANGE (day);

-- The app's login cannot create or drop tables, so the month partitions are made and dropped by
-- these two functions, which run as the schema owner and do nothing else.
CREATE FUNCTION analytics_prepare_months(first_day date, last_day date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    month date;
    created integer := 0;
BEGIN
    IF last_day - first_day > 400 THEN
        RAISE EXCEPTION 'at most 400 days at once';
    END IF;
    FOR month IN SELECT generate_series(date_trunc('month', first_day), date_trunc('month', last_day), interval '1 month')::date LOOP
        IF to_regclass('analytics_events_' || to_char(month, 'YYYY_MM')) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF analytics_events FOR VALUES FROM (%L) TO (%L)',
                'analytics_events_' || to_char(month, 'YYYY_MM'), month, (month + interval '1 month')::date);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;

-- Drops the months that end on or before the cutoff: their rows are past retention.
CREATE FUNCTION analytics_drop_months_before(cutoff date) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    part record;
    dropped bigint := 0;
    n bigint;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'analytics_events'::regclass AND c.relname ~ '^analytics_events_[0-9]{4}_[0-9]{2}$'
          AND (to_date(substr(c.relname, 18), 'YYYY_MM') + interval '1 month')::date <= cutoff
    LOOP
        EXECUTE format('SELECT count(*) FROM %I', part.relname) INTO n;
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + n;
    END LOOP;
    RETURN dropped;
END $$;

REVOKE ALL ON FUNCTION analytics_prepare_months(date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION analytics_drop_months_before(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics_prepare_months(date, date) TO circly_app;
GRANT EXECUTE ON FUNCTION analytics_drop_months_before(date) TO circly_app;

SELECT analytics_prepare_months((current_date - interval '1 month')::date, (current_date + interval '2 months')::date);

-- One HMAC key per ISO week ('week:2026-W49') and per calendar month ('month:2026-12'), drawn
-- when the period's first event arrives. The secret is set to NULL once the period's figures are
-- final: from then on nobody can tell whose pseudonym a row carries. The row stays, so the period
-- never gets a new key (a late event is counted, without a pseudonym).
CREATE TABLE analytics_period_keys (
    period        text PRIMARY KEY CHECK (period ~ '^(week:[0-9]{4}-W[0-9]{2}|month:[0-9]{4}-[0-9]{2})$'),
    last_day      date NOT NULL,
    secret        bytea CHECK (octet_length(secret) = 32),
    discarded_at  timestamptz,
    CHECK ((secret IS NULL) = (discarded_at IS NOT NULL))
);

-- The daily figures the aggregation timer computes from the raw events; recomputing a day
-- replaces its row with the same figures.
CREATE TABLE analytics_daily (
    day                   date PRIMARY KEY,
    dau                   integer NOT NULL,
    wau                   integer NOT NULL,
    mau                   integer NOT NULL,
    new_accounts          integer NOT NULL,
    circles_active        integer NOT NULL,
    polls_created         integer NOT NULL,
    polls_closed          integer NOT NULL,
    votes_cast            integer NOT NULL,
    closed_votes          integer NOT NULL,
    closed_eligible       integer NOT NULL,
    participation_bands   jsonb NOT NULL,
    push_sent             integer NOT NULL,
    push_failed           integer NOT NULL,
    push_delivered        integer NOT NULL,
    push_receipt_errors   integer NOT NULL,
    notifications_opened  integer NOT NULL,
    reports_filed         integer NOT NULL,
    reports_resolved      integer NOT NULL,
    computed_at           timestamptz NOT NULL
);
