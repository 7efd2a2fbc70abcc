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
    (
        3,
        "follow-ups, outbox priorities, the volunteer desk, roles, audit, links, announcements",
        """
        ALTER TABLE members ADD COLUMN unreachable_at TEXT;       -- Telegram said 403: blocked the bot
        ALTER TABLE members ADD COLUMN paused_until TEXT;         -- no check-ins before this time
        ALTER TABLE members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;       -- opted out of announcements
        ALTER TABLE members ADD COLUMN contact_ok INTEGER NOT NULL DEFAULT 0;  -- agreed to be contacted
        ALTER TABLE members ADD COLUMN username TEXT;             -- Telegram @username, kept only if contact_ok
        ALTER TABLE members ADD COLUMN link_code TEXT;            -- the deep link they started from
        ALTER TABLE cases ADD COLUMN new_appt_date TEXT;          -- a new appointment reported at a check-in
        ALTER TABLE cases ADD COLUMN oon_offered_on TEXT;         -- out-of-network care offered (date)
        ALTER TABLE cases ADD COLUMN restored_on TEXT;            -- the member confirmed care was restored
        ALTER TABLE cases ADD COLUMN close_reason TEXT;           -- restored | withdrawn | ...
        ALTER TABLE cases ADD COLUMN complaint_sent_on TEXT;      -- the member said they sent the complaint
        ALTER TABLE cases ADD COLUMN link_code TEXT;
        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,               -- checkin | seen | oon_seen
            due_at TEXT NOT NULL,             -- UTC
            status TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | answered | canceled
            attempts INTEGER NOT NULL DEFAULT 0,
            outbox_id INTEGER,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            answered_at TEXT,
            answer TEXT
        );
        CREATE INDEX followups_due ON followups(status, due_at);
        CREATE INDEX followups_case ON followups(case_id);
        ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;    -- 0 interactive, higher waits
        ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
        ALTER TABLE outbox ADD COLUMN thread_id INTEGER;                      -- forum topic in the desk
        ALTER TABLE outbox ADD COLUMN ref_kind TEXT;                          -- followup | escalation | announcement
        ALTER TABLE outbox ADD COLUMN ref_id INTEGER;
        CREATE INDEX outbox_claim ON outbox(status, priority, id);
        ALTER TABLE escalations ADD COLUMN claimed_by INTEGER;
        ALTER TABLE escalations ADD COLUMN claimed_at TEXT;
        ALTER TABLE escalations ADD COLUMN resolved_at TEXT;
        ALTER TABLE escalations ADD COLUMN resolution TEXT;
        ALTER TABLE escalations ADD COLUMN topic_id INTEGER;
        ALTER TABLE escalations ADD COLUMN card_message_id INTEGER;
        ALTER TABLE escalations ADD COLUMN announced_at TEXT;
        ALTER TABLE escalations ADD COLUMN last_volunteer_at TEXT;
        CREATE TABLE roles (
            user_id INTEGER NOT NULL,
            role TEXT NOT NULL,               -- volunteer | organizer | admin
            granted_by INTEGER,
            granted_at TEXT NOT NULL,
            PRIMARY KEY (user_id, role)
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor INTEGER,                    -- Telegram user id of who acted (NULL: the system)
            action TEXT NOT NULL,
            case_ref TEXT,
            detail TEXT,                      -- never member text
            allowed INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX audit_at ON audit_log(at);
        CREATE TABLE desk_notes (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER REFERENCES escalations(id) ON DELETE CASCADE,
            author INTEGER,
            text TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE links (
            code TEXT PRIMARY KEY,            -- opaque deep-link payload
            facility_id TEXT,
            source TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE link_starts (
            id INTEGER PRIMARY KEY,
            link_code TEXT NOT NULL,          -- a /start from a link: counted, nothing personal
            at TEXT NOT NULL
        );
        CREATE TABLE announcements (
            id INTEGER PRIMARY KEY,
            created_by INTEGER,
            text_en TEXT NOT NULL,
            text_es TEXT NOT NULL,
            status TEXT NOT NULL,             -- draft | sending | done | canceled
            recipients INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            confirmed_at TEXT
        );
        """,
    ),
    (
        4,
        "the volunteer desk: the claimer's name, lookups by topic, card and message",
        """
        ALTER TABLE escalations ADD COLUMN claimed_by_name TEXT;
        CREATE INDEX outbox_message ON outbox(chat_id, message_id);
        CREATE INDEX outbox_ref ON outbox(ref_kind, ref_id);
        CREATE INDEX escalations_topic ON escalations(topic_id);
        CREATE INDEX escalations_card ON escalations(card_message_id);
        """,
    ),
    (
        5,
        "urgent cases found quickly when their 48 hours pass",
        """
        CREATE INDEX cases_urgent ON cases(urgency, status);
        """,
    ),
    (
        6,
        "announcements remember when the organizer was last told how one is going",
        """
        ALTER TABLE announcements ADD COLUMN progress_at TEXT;
        """,
    ),
    (
        7,
        "indexes for every query on a member's turn, the dispatcher's tick and the desk (storage/hot_queries.py)",
        """
        -- One case's check-ins by status, soonest first: without it the planner may walk every pending
        -- check-in of the campaign through followups_due (the 8-second replies of issue 16).
        CREATE INDEX followups_case_status ON followups(case_id, status, due_at);
        DROP INDEX followups_case;
        -- A member's cases by status (with no statistics the planner otherwise takes cases_status for 'open').
        CREATE INDEX cases_member_status ON cases(member_id, status);
        DROP INDEX cases_member;
        -- Open and claimed escalations: the few at the desk now, not the thousands resolved.
        CREATE INDEX escalations_active ON escalations(priority, created_at) WHERE status IN ('open', 'claimed');
        CREATE INDEX escalations_case ON escalations(case_id, status);
        CREATE INDEX escalations_claimed ON escalations(claimed_by, priority, created_at) WHERE status = 'claimed';
        CREATE INDEX desk_notes_escalation ON desk_notes(escalation_id);
        -- Outbox rows not sent yet (the sent history is the hundreds of thousands).
        CREATE INDEX outbox_unsent ON outbox(priority, id) WHERE status = 'pending';
        """,
    ),
    (
        8,
        "updates the library cannot read are set aside; organizers' jobs survive a restart; pruning by age",
        """
        CREATE TABLE quarantined_updates (
            update_id INTEGER PRIMARY KEY,
            chat_id INTEGER,                  -- best effort, so /delete can erase it too
            payload TEXT,                     -- the raw update as received (never logged)
            reason TEXT NOT NULL,             -- the parser's exception type, not its message
            received_at TEXT NOT NULL
        );
        CREATE INDEX quarantined_chat ON quarantined_updates(chat_id);
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,               -- export | report: an organizer's file, made off the event loop
            chat_id INTEGER NOT NULL,
            user_id INTEGER,
            params TEXT NOT NULL,             -- JSON: filters, day (never member text)
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX processed_updates_done ON processed_updates(done_at);
        CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status IN ('sent', 'failed');  -- pruning; never a pending row's plan
        """,
    ),
    (
        9,
        "the desk: a volunteer's note mode, and why an escalation closed when the member closed their case",
        """
        CREATE TABLE desk_note_modes (
            user_id INTEGER PRIMARY KEY,      -- the volunteer: their next message in the thread is a note
            escalation_id INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            prompt_message_id INTEGER         -- the "note mode" message, edited when the note is saved
        );
        ALTER TABLE escalations ADD COLUMN closed_because TEXT;  -- seen | withdrawn | deleted, when the member closed it
        """,
    ),
    (
        10,
        "escalations say what kind of danger the screen found (the category, never the text)",
        """
        ALTER TABLE escalations ADD COLUMN category TEXT;  -- self_harm | someone_else | harm_others | domestic_violence | child_danger
        """,
    ),
]
