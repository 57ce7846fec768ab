column aggregate_states.aggregate_id text
column aggregate_states.cohort_id text
column aggregate_states.kind text not null
column aggregate_states.state json not null
column aggregate_states.stream_id text not null
column aggregate_states.student_id text
column aggregate_states.tenant_id uuid not null
column aggregate_states.updated_at timestamp with time zone not null
column aggregate_states.version bigint not null
column aggregate_states.view json
column data_keys.created_at timestamp with time zone not null default now()
column data_keys.destroyed_at timestamp with time zone
column data_keys.kek_id text not null
column data_keys.owner_id text not null
column data_keys.tenant_id uuid not null
column data_keys.wrapped_key bytea
column digest_optouts.opted_out_at timestamp with time zone not null default now()
column digest_optouts.recipient_id text not null
column digest_optouts.recipient_kind text not null
column digest_optouts.tenant_id uuid not null
column digest_runs.completed_at timestamp with time zone
column digest_runs.scheduled integer not null default 0
column digest_runs.started_at timestamp with time zone not null default now()
column digest_runs.tenant_id uuid not null
column digest_runs.week text not null
column digests.message_id uuid not null
column digests.recipient_id text not null
column digests.recipient_kind text not null
column digests.scheduled_at timestamp with time zone not null default now()
column digests.tenant_id uuid not null
column digests.week text not null
column events.data jsonb not null
column events.event_id uuid not null
column events.global_position bigint not null identity
column events.metadata jsonb not null default '{}'::jsonb
column events.recorded_at timestamp with time zone not null default now()
column events.schema_version integer not null default 1
column events.stream_id text not null
column events.stream_version bigint not null
column events.tenant_id uuid not null
column events.transaction_id xid8 not null default pg_current_xact_id()
column events.type text not null
column identity_links.issuer text not null
column identity_links.linked_at timestamp with time zone not null
column identity_links.person_id text not null
column identity_links.role text not null
column identity_links.subject text not null
column identity_links.tenant_id uuid not null
column identity_providers.audience text not null
column identity_providers.email_claim text not null
column identity_providers.external_id_claim text
column identity_providers.issuer text not null
column identity_providers.tenant_id uuid not null
column identity_providers.updated_at timestamp with time zone not null
column migrations.id integer not null default nextval('migrations_id_seq'::regclass)
column migrations.name character varying not null
column migrations.timestamp bigint not null
column nudge_digest_items.cohort_id text
column nudge_digest_items.contact_id text
column nudge_digest_items.digest_id text not null
column nudge_digest_items.done_at timestamp with time zone
column nudge_digest_items.done_via_digest_id text
column nudge_digest_items.due_at timestamp with time zone not null
column nudge_digest_items.interview_id text
column nudge_digest_items.item_no integer not null
column nudge_digest_items.kind text not null
column nudge_digest_items.opened_at timestamp with time zone not null
column nudge_digest_items.sent_at timestamp with time zone not null
column nudge_digest_items.student_id text not null
column nudge_digest_items.tenant_id uuid not null
column nudge_digests.cohort_id text
column nudge_digests.digest_id text not null
column nudge_digests.opened_at timestamp with time zone
column nudge_digests.sent_at timestamp with time zone not null
column nudge_digests.student_id text not null
column nudge_digests.tenant_id uuid not null
column outbox.attempts integer not null default 0
column outbox.created_at timestamp with time zone not null default now()
column outbox.headers jsonb not null default '{}'::jsonb
column outbox.html text not null
column outbox.kind text not null default 'digest'::text
column outbox.last_error text
column outbox.lease_until timestamp with time zone
column outbox.message_id uuid not null
column outbox.next_attempt_at timestamp with time zone not null default now()
column outbox.recipient_id text not null
column outbox.recipient_kind text not null
column outbox.sent_at timestamp with time zone
column outbox.status text not null default 'pending'::text
column outbox.subject text not null
column outbox.tenant_id uuid not null
column outbox.text text not null
column outbox.to_address text not null
column outbox.week text
column projection_checkpoints.global_position bigint not null default 0
column projection_checkpoints.lease_expires_at timestamp with time zone
column projection_checkpoints.lease_owner text
column projection_checkpoints.log_head bigint not null default 0
column projection_checkpoints.measured_at timestamp with time zone
column projection_checkpoints.name text not null
column projection_checkpoints.oldest_pending_at timestamp with time zone
column projection_checkpoints.pending_events bigint not null default 0
column projection_checkpoints.transaction_id xid8 not null default '0'::xid8
column projection_checkpoints.updated_at timestamp with time zone not null default now()
column retention_runs.completed_at timestamp with time zone
column retention_runs.day date not null
column retention_runs.erased integer not null default 0
column retention_runs.started_at timestamp with time zone not null default now()
column retention_runs.tenant_id uuid not null
column settings_timelines.tenant_id uuid not null
column settings_timelines.timeline jsonb not null
column streams.created_at timestamp with time zone not null default now()
column streams.stream_id text not null
column streams.tenant_id uuid not null
column streams.updated_at timestamp with time zone not null default now()
column streams.version bigint not null
column student_activity.actor_id text
column student_activity.actor_role text
column student_activity.cohort_id text
column student_activity.event_type text not null
column student_activity.global_position bigint not null
column student_activity.occurred_at timestamp with time zone not null
column student_activity.student_id text not null
column student_activity.tenant_id uuid not null
column student_activity.transaction_id xid8 not null
column student_enrolments.cohort_id text not null
column student_enrolments.student_id text not null
column student_enrolments.tenant_id uuid not null
column student_progress.cohort_id text
column student_progress.last_activity_at timestamp with time zone
column student_progress.last_event_at timestamp with time zone
column student_progress.state json not null
column student_progress.student_id text not null
column student_progress.tenant_id uuid not null
column student_progress_snapshots.cohort_id text
column student_progress_snapshots.period_start timestamp with time zone not null
column student_progress_snapshots.state json not null
column student_progress_snapshots.student_id text not null
column student_progress_snapshots.tenant_id uuid not null
column tenants.created_at timestamp with time zone not null default now()
column tenants.name text not null
column tenants.slug text not null
column tenants.tenant_id uuid not null
column week_sessions.created_at timestamp with time zone not null
column week_sessions.digest_id text
column week_sessions.expires_at timestamp with time zone not null
column week_sessions.last_seen_at timestamp with time zone not null
column week_sessions.secret_hash bytea not null
column week_sessions.session_id uuid not null
column week_sessions.student_id text not null
column week_sessions.tenant_id uuid not null
column week_sessions.via text not null
constraint aggregate_states.aggregate_states_pkey PRIMARY KEY (tenant_id, stream_id)
constraint data_keys.data_keys_destroyed_or_wrapped CHECK (((wrapped_key IS NULL) = (destroyed_at IS NOT NULL)))
constraint data_keys.data_keys_owner_id_check CHECK (((length(owner_id) >= 1) AND (length(owner_id) <= 200)))
constraint data_keys.data_keys_pkey PRIMARY KEY (tenant_id, owner_id)
constraint digest_optouts.digest_optouts_pkey PRIMARY KEY (tenant_id, recipient_kind, recipient_id)
constraint digest_runs.digest_runs_pkey PRIMARY KEY (tenant_id, week)
constraint digests.digests_message_key UNIQUE (tenant_id, message_id)
constraint digests.digests_pkey PRIMARY KEY (tenant_id, recipient_kind, recipient_id, week)
constraint digests.digests_recipient_kind_check CHECK ((recipient_kind = ANY (ARRAY['student'::text, 'advisor'::text])))
constraint events.events_event_id_key UNIQUE (tenant_id, event_id)
constraint events.events_pkey PRIMARY KEY (tenant_id, global_position)
constraint events.events_schema_version_check CHECK ((schema_version > 0))
constraint events.events_stream_version_check CHECK ((stream_version > 0))
constraint events.events_stream_version_key UNIQUE (tenant_id, stream_id, stream_version)
constraint identity_links.identity_links_pkey PRIMARY KEY (tenant_id, issuer, subject)
constraint identity_links.identity_links_role_check CHECK ((role = ANY (ARRAY['student'::text, 'advisor'::text, 'admin'::text])))
constraint identity_providers.identity_providers_audience_check CHECK (((length(audience) >= 1) AND (length(audience) <= 500)))
constraint identity_providers.identity_providers_issuer_check CHECK (((length(issuer) >= 1) AND (length(issuer) <= 500)))
constraint identity_providers.identity_providers_issuer_key UNIQUE (issuer)
constraint identity_providers.identity_providers_pkey PRIMARY KEY (tenant_id)
constraint migrations.PK_8c82d7f526340ab734260ea46be PRIMARY KEY (id)
constraint nudge_digest_items.nudge_digest_items_kind_check CHECK ((kind = ANY (ARRAY['thank_you'::text, 'nudge'::text, 'prepare'::text, 'reach_out_to_referral'::text, 'stay_in_touch'::text])))
constraint nudge_digest_items.nudge_digest_items_pkey PRIMARY KEY (tenant_id, digest_id, item_no)
constraint nudge_digests.nudge_digests_pkey PRIMARY KEY (tenant_id, digest_id)
constraint outbox.outbox_kind_check CHECK ((kind = ANY (ARRAY['digest'::text, 'email_confirmation'::text, 'staff_invitation'::text, 'welcome'::text, 'sign_in_link'::text])))
constraint outbox.outbox_pkey PRIMARY KEY (tenant_id, message_id)
constraint outbox.outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sending'::text, 'sent'::text, 'dead'::text])))
constraint outbox.outbox_week_check CHECK (((kind = 'digest'::text) = (week IS NOT NULL)))
constraint projection_checkpoints.projection_checkpoints_pkey PRIMARY KEY (name)
constraint retention_runs.retention_runs_pkey PRIMARY KEY (tenant_id, day)
constraint settings_timelines.settings_timelines_pkey PRIMARY KEY (tenant_id)
constraint streams.streams_pkey PRIMARY KEY (tenant_id, stream_id)
constraint streams.streams_version_check CHECK ((version > 0))
constraint student_activity.student_activity_pkey PRIMARY KEY (tenant_id, student_id, global_position)
constraint student_enrolments.student_enrolments_pkey PRIMARY KEY (tenant_id, cohort_id, student_id)
constraint student_progress.student_progress_pkey PRIMARY KEY (tenant_id, student_id)
constraint student_progress_snapshots.student_progress_snapshots_pkey PRIMARY KEY (tenant_id, student_id, period_start)
constraint tenants.tenants_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
constraint tenants.tenants_pkey PRIMARY KEY (tenant_id)
constraint tenants.tenants_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'::text))
constraint tenants.tenants_slug_key UNIQUE (slug)
constraint week_sessions.week_sessions_pkey PRIMARY KEY (tenant_id, session_id)
constraint week_sessions.week_sessions_secret_hash_check CHECK ((length(secret_hash) = 32))
constraint week_sessions.week_sessions_via_check CHECK ((via = ANY (ARRAY['link'::text, 'provider'::text])))
function rapport_append_events(p_tenant uuid, p_stream text, p_expected text, p_events jsonb) returns TABLE(next_expected_version bigint, last_global_position bigint, replayed boolean) security_definer=f owner=rapport_owner acl==X/rapport_owner,rapport_app=X/rapport_owner,rapport_owner=X/rapport_owner
function rapport_append_with_state(p_tenant uuid, p_stream text, p_expected text, p_events jsonb, p_reads jsonb, p_kind text, p_aggregate_id text, p_student_id text, p_cohort_id text, p_state json, p_view json) returns TABLE(next_expected_version bigint, last_global_position bigint, replayed boolean) security_definer=f owner=rapport_owner acl=rapport_app=X/rapport_owner,rapport_owner=X/rapport_owner
function rapport_claim_outbox(p_limit integer, p_lease_seconds integer) returns TABLE(tenant_id uuid, message_id uuid, attempts integer) security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_owner=X/rapport_global,rapport_worker=X/rapport_global
function rapport_create_tenant(p_tenant uuid, p_slug text, p_name text) returns void security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_owner=X/rapport_global,rapport_worker=X/rapport_global
function rapport_dashboard_fingerprint(p_tenant uuid, p_cohort text, p_cohort_stream text, p_advisor text) returns TABLE(fingerprint text, cohort_status text, advisor_assigned boolean) security_definer=f owner=rapport_owner acl=rapport_app=X/rapport_owner,rapport_owner=X/rapport_owner
function rapport_events_after(p_after_tx xid8, p_after_position bigint) returns TABLE(pending bigint, oldest_recorded_at timestamp with time zone) security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_owner=X/rapport_global,rapport_worker=X/rapport_global
function rapport_find_tenants(p_slug text) returns TABLE(tenant_id uuid, slug text, name text, created_at timestamp with time zone) security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_owner=X/rapport_global,rapport_worker=X/rapport_global
function rapport_identity_providers() returns TABLE(tenant_id uuid, issuer text, audience text, email_claim text, external_id_claim text) security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_worker=X/rapport_global
function rapport_load_states(p_tenant uuid, p_streams text[]) returns TABLE(stream_id text, aggregate_id text, version bigint, state json, view json, updated_at timestamp with time zone) security_definer=f owner=rapport_owner acl=rapport_app=X/rapport_owner,rapport_owner=X/rapport_owner
function rapport_read_all_committed_events(p_after_tx xid8, p_after_position bigint, p_limit integer) returns SETOF events security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_owner=X/rapport_global
function rapport_read_all_events(p_after_tx xid8, p_after_position bigint, p_limit integer) returns SETOF events security_definer=t owner=rapport_global acl=rapport_global=X/rapport_global,rapport_owner=X/rapport_global,rapport_worker=X/rapport_global
function rapport_secure_tenant_table(p_table regclass, p_privileges text) returns void security_definer=f owner=rapport_owner acl=rapport_owner=X/rapport_owner
index CREATE INDEX aggregate_states_by_cohort_idx ON public.aggregate_states USING btree (tenant_id, kind, cohort_id)
index CREATE INDEX aggregate_states_by_student_idx ON public.aggregate_states USING btree (tenant_id, kind, student_id)
index CREATE INDEX aggregate_states_student_email_idx ON public.aggregate_states USING btree (tenant_id, lower(((state -> 'personal'::text) ->> 'email'::text))) WHERE (kind = 'student'::text)
index CREATE INDEX aggregate_states_student_external_id_idx ON public.aggregate_states USING btree (tenant_id, (((state -> 'personal'::text) ->> 'externalId'::text))) WHERE (kind = 'student'::text)
index CREATE INDEX events_audit_idx ON public.events USING btree (tenant_id, global_position DESC) WHERE (type = ANY (ARRAY['StudentEnrolled'::text, 'StudentWithdrawn'::text, 'InstitutionSettingsChanged'::text, 'InstitutionRenamed'::text, 'IdentityProviderSet'::text, 'AdvisorAssigned'::text, 'AdvisorUnassigned'::text, 'StaffInvited'::text, 'StaffInvitationResent'::text, 'StaffActivated'::text, 'StaffDeactivated'::text, 'IdentityLinked'::text, 'StudentDataExported'::text, 'StudentErased'::text, 'StaffMemberErased'::text, 'RetentionSweepCompleted'::text]))
index CREATE INDEX events_commit_order_idx ON public.events USING btree (transaction_id, global_position)
index CREATE INDEX events_tenant_commit_order_idx ON public.events USING btree (tenant_id, transaction_id, global_position)
index CREATE INDEX nudge_digest_items_by_cohort_idx ON public.nudge_digest_items USING btree (tenant_id, cohort_id, sent_at)
index CREATE INDEX nudge_digest_items_open_idx ON public.nudge_digest_items USING btree (tenant_id, student_id) WHERE (done_at IS NULL)
index CREATE INDEX nudge_digests_by_cohort_idx ON public.nudge_digests USING btree (tenant_id, cohort_id, sent_at)
index CREATE INDEX outbox_by_week_idx ON public.outbox USING btree (tenant_id, week, status)
index CREATE INDEX outbox_due_idx ON public.outbox USING btree (next_attempt_at) WHERE (status = ANY (ARRAY['pending'::text, 'sending'::text]))
index CREATE INDEX student_activity_by_cohort_idx ON public.student_activity USING btree (tenant_id, cohort_id, occurred_at)
index CREATE INDEX student_activity_feed_idx ON public.student_activity USING btree (tenant_id, student_id, occurred_at DESC, global_position DESC)
index CREATE INDEX student_progress_by_cohort_idx ON public.student_progress USING btree (tenant_id, cohort_id, student_id)
index CREATE INDEX student_progress_snapshots_by_cohort_idx ON public.student_progress_snapshots USING btree (tenant_id, cohort_id, period_start)
index CREATE INDEX week_sessions_student_idx ON public.week_sessions USING btree (tenant_id, student_id)
index CREATE UNIQUE INDEX "PK_8c82d7f526340ab734260ea46be" ON public.migrations USING btree (id)
index CREATE UNIQUE INDEX aggregate_states_pkey ON public.aggregate_states USING btree (tenant_id, stream_id)
index CREATE UNIQUE INDEX data_keys_pkey ON public.data_keys USING btree (tenant_id, owner_id)
index CREATE UNIQUE INDEX digest_optouts_pkey ON public.digest_optouts USING btree (tenant_id, recipient_kind, recipient_id)
index CREATE UNIQUE INDEX digest_runs_pkey ON public.digest_runs USING btree (tenant_id, week)
index CREATE UNIQUE INDEX digests_message_key ON public.digests USING btree (tenant_id, message_id)
index CREATE UNIQUE INDEX digests_pkey ON public.digests USING btree (tenant_id, recipient_kind, recipient_id, week)
index CREATE UNIQUE INDEX events_event_id_key ON public.events USING btree (tenant_id, event_id)
index CREATE UNIQUE INDEX events_pkey ON public.events USING btree (tenant_id, global_position)
index CREATE UNIQUE INDEX events_stream_version_key ON public.events USING btree (tenant_id, stream_id, stream_version)
index CREATE UNIQUE INDEX identity_links_pkey ON public.identity_links USING btree (tenant_id, issuer, subject)
index CREATE UNIQUE INDEX identity_providers_issuer_key ON public.identity_providers USING btree (issuer)
index CREATE UNIQUE INDEX identity_providers_pkey ON public.identity_providers USING btree (tenant_id)
index CREATE UNIQUE INDEX nudge_digest_items_pkey ON public.nudge_digest_items USING btree (tenant_id, digest_id, item_no)
index CREATE UNIQUE INDEX nudge_digests_pkey ON public.nudge_digests USING btree (tenant_id, digest_id)
index CREATE UNIQUE INDEX outbox_pkey ON public.outbox USING btree (tenant_id, message_id)
index CREATE UNIQUE INDEX projection_checkpoints_pkey ON public.projection_checkpoints USING btree (name)
index CREATE UNIQUE INDEX retention_runs_pkey ON public.retention_runs USING btree (tenant_id, day)
index CREATE UNIQUE INDEX settings_timelines_pkey ON public.settings_timelines USING btree (tenant_id)
index CREATE UNIQUE INDEX streams_pkey ON public.streams USING btree (tenant_id, stream_id)
index CREATE UNIQUE INDEX student_activity_pkey ON public.student_activity USING btree (tenant_id, student_id, global_position)
index CREATE UNIQUE INDEX student_enrolments_pkey ON public.student_enrolments USING btree (tenant_id, cohort_id, student_id)
index CREATE UNIQUE INDEX student_progress_pkey ON public.student_progress USING btree (tenant_id, student_id)
index CREATE UNIQUE INDEX student_progress_snapshots_pkey ON public.student_progress_snapshots USING btree (tenant_id, student_id, period_start)
index CREATE UNIQUE INDEX tenants_pkey ON public.tenants USING btree (tenant_id)
index CREATE UNIQUE INDEX tenants_slug_key ON public.tenants USING btree (slug)
index CREATE UNIQUE INDEX week_sessions_pkey ON public.week_sessions USING btree (tenant_id, session_id)
policy aggregate_states.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy data_keys.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy digest_optouts.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy digest_runs.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy digests.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy events.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy identity_links.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy identity_providers.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy nudge_digest_items.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy nudge_digests.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy outbox.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy retention_runs.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy settings_timelines.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy streams.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy student_activity.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy student_enrolments.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy student_progress.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy student_progress_snapshots.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy tenants.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
policy week_sessions.tenant_isolation ALL public using((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)) check((tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid))
table aggregate_states rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table data_keys rls=t force=t acl=rapport_app=arw/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table digest_optouts rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table digest_runs rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table digests rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table events rls=t force=t acl=rapport_app=ar/rapport_owner,rapport_global=r/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table identity_links rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table identity_providers rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_global=r/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table migrations rls=f force=f acl=rapport_app=r/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table nudge_digest_items rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table nudge_digests rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table outbox rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_global=rw/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table projection_checkpoints rls=f force=f acl=rapport_app=r/rapport_owner,rapport_owner=arwdDxtm/rapport_owner,rapport_worker=arw/rapport_owner
table retention_runs rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table settings_timelines rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table streams rls=t force=t acl=rapport_app=arw/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table student_activity rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table student_enrolments rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table student_progress rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table student_progress_snapshots rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table tenants rls=t force=t acl=rapport_app=r/rapport_owner,rapport_global=ar/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
table week_sessions rls=t force=t acl=rapport_app=arwd/rapport_owner,rapport_owner=arwdDxtm/rapport_owner
