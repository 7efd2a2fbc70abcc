"""Numbered schema migrations. Append only: never edit one that has shipped.

Times are stored as ISO 8601 text in UTC; dates as ISO 8601 text.
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "members, conversations, cases, events, updates, outbox",
        """
        CREATE TABLE members (
            id TEXT PRIMARY KEY,              -- random, pseudonymous (m_...)
            chat_id INTEGER UNIQUE,           -- Telegram private chat id; erased by /delete
            lang TEXT NOT NULL DEFAULT 'en',
            source TEXT,                      -- deep-link source label, if any
            status TEXT NOT NULL DEFAULT 'active',
            consented_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE conversations (
            member_id TEXT PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
            state TEXT NOT NULL,              -- JSON of dialogs.state.State
            updated_at TEXT NOT NULL
        );
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            ref TEXT UNIQUE,                  -- KP-7F3K2, set when filed
            member_id TEXT REFERENCES members(id) ON DELETE SET NULL,
            campaign_id TEXT NOT NULL,
            status TEXT NOT NULL,             -- draft | open | closed
            lang TEXT NOT NULL,
            kind TEXT,
            appt_date TEXT,
            facility_id TEXT,
            facility_text TEXT,               -- what the member typed when not listed (free text)
            notified TEXT,
            offered TEXT,
            offered_date TEXT,
            urgency TEXT,
            note TEXT,                        -- free text, erased by /delete
            share_ok INTEGER,
            source TEXT,
            created_at TEXT NOT NULL,
            filed_at TEXT,
            closed_at TEXT
        );
        CREATE INDEX cases_member ON cases(member_id);
        CREATE INDEX cases_status ON cases(status);
        CREATE TABLE case_events (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,               -- answer | filed | ...
            field TEXT,
            value TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX case_events_case ON case_events(case_id);
        CREATE TABLE processed_updates (
            update_id INTEGER PRIMARY KEY,
            status TEXT NOT NULL,             -- received | done | failed
            payload TEXT,                     -- the raw update until it is handled, then NULL
            received_at TEXT NOT NULL,
            done_at TEXT
        );
        CREATE INDEX processed_updates_status ON processed_updates(status);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            member_id TEXT,
            kind TEXT NOT NULL,               -- reply | followup | ...
            action TEXT NOT NULL,             -- send | edit | clear_buttons | document
            payload TEXT NOT NULL,            -- JSON: text, buttons, message_id, ...
            status TEXT NOT NULL DEFAULT 'pending',   -- pending | sending | sent | failed
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            message_id INTEGER
        );
        CREATE INDEX outbox_pending ON outbox(status, not_before);
        CREATE INDEX outbox_chat ON outbox(chat_id);
        """,
    ),
    (
        2,
        "escalations; deadlines on cases",
        """
        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            member_id TEXT REFERENCES members(id) ON DELETE SET NULL,
            case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,
            priority INTEGER NOT NULL,        -- 1 is the highest (crisis)
            reason TEXT NOT NULL,             -- crisis | help_now | volunteer | past_deadline | ...
            status TEXT NOT NULL DEFAULT 'open',   -- open | claimed | resolved | withdrawn
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX escalations_open ON escalations(status, priority, created_at);
        CREATE INDEX escalations_member ON escalations(member_id);
        ALTER TABLE cases ADD COLUMN deadline_standard TEXT;
        ALTER TABLE cases ADD COLUMN deadline_date TEXT;
        ALTER TABLE cases ADD COLUMN deadline_at TEXT;
        """,
    ),
]
