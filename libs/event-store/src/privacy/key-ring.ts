import { randomBytes } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import { type Database, type Tx } from '../database/database';
import { assertTenantId } from '../database/tenant-id';
import { EventStoreError, EventStoreErrorCode } from '../event-store.errors';
import { type KeyEncryptionKey } from './key-encryption-key';
import { type DataKeys } from './personal-data';

export interface KeyRingOptions {
  /** How long an unwrapped key (or a tombstone) stays in memory, in ms (default 60 s). */
  cacheMs?: number;
  /** At most this many keys in memory; the oldest go first (default 50,000). */
  cacheSize?: number;
  /** Earlier key-encryption keys, to unwrap data keys wrapped before a rotation (by `id`). */
  retired?: readonly KeyEncryptionKey[];
}

type Cached = { key: Buffer | null; expires: number };

/** Where every process hears that a data key was destroyed; the payload is `<tenant>:<owner>`. */
export const DATA_KEYS_CHANNEL = 'rapport_data_keys';

/**
 * The data keys of this process: created on first use, unwrapped with the key-encryption key,
 * cached briefly, dropped on destruction in every process (NOTIFY on a server; locally on the
 * embedded database, which is one process). See docs/adr/0024.
 */
export class KeyRing implements DataKeys {
  /** Rings of this process that hear no NOTIFY (embedded database): a destruction drops in all. */
  private static readonly deaf = new Set<KeyRing>();
  private readonly cache = new Map<string, Cached>();
  private readonly cacheMs: number;
  private readonly cacheSize: number;
  private readonly droppedListeners: ((tenantId: string, ownerId: string) => void)[] = [];
  private listener: Client | null = null;
  private closed = false;

  constructor(
    readonly kek: KeyEncryptionKey,
    private readonly options: KeyRingOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 60_000;
    this.cacheSize = Math.max(1, options.cacheSize ?? 50_000);
    KeyRing.deaf.add(this);
  }

  /** The key to seal the owner's data with, created when they have none; refuses an erased owner. */
  async sealingKey(tx: Tx, ownerId: string): Promise<Buffer> {
    const tenantId = tenantOf(tx);
    const cached = this.cached(tenantId, ownerId);
    if (cached) return cached;
    if (cached === undefined) {
      const loaded = await this.load(tx, tenantId, [ownerId]);
      let key = loaded.get(ownerId);
      if (key === undefined) key = await this.create(tx, tenantId, ownerId);
      if (key) return key;
    }
    throw new EventStoreError(
      EventStoreErrorCode.PersonErased,
      `person ${ownerId} was erased: no personal data can be recorded for them`,
    );
  }

  /**
   * Keys for opening events of one tenant: from memory, the rest in one SELECT (switching `tx`
   * to that tenant). A destroyed key, or none at all, is `null`.
   */
  async openingKeys(
    tx: Tx,
    tenantId: string,
    owners: Iterable<string>,
  ): Promise<Map<string, Buffer | null>> {
    const keys = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const owner of owners) {
      if (keys.has(owner)) continue;
      const cached = this.cached(tenantId, owner);
      if (cached === undefined) missing.push(owner);
      else keys.set(owner, cached);
    }
    if (missing.length > 0) {
      await tx.setTenant(tenantId);
      const loaded = await this.load(tx, tenantId, missing);
      for (const owner of missing) keys.set(owner, loaded.get(owner) ?? null);
    }
    return keys;
  }

  async destroy(tx: Tx, ownerId: string): Promise<void> {
    const tenantId = tenantOf(tx);
    await tx.query(
      `INSERT INTO data_keys (tenant_id, owner_id, wrapped_key, kek_id, destroyed_at)
       VALUES ($1, $2, NULL, $3, now())
       ON CONFLICT (tenant_id, owner_id) DO UPDATE
         SET wrapped_key = NULL, destroyed_at = coalesce(data_keys.destroyed_at, now())`,
      [tenantId, ownerId, this.kek.id],
    );
    // Delivered to every listening process when (and only if) the transaction commits.
    await tx.query(`SELECT pg_notify($1, $2)`, [DATA_KEYS_CHANNEL, `${tenantId}:${ownerId}`]);
    this.drop(tenantId, ownerId);
    for (const ring of KeyRing.deaf) if (ring !== this) ring.drop(tenantId, ownerId);
  }

  async isDestroyed(tx: Tx, ownerId: string): Promise<boolean> {
    const [row] = await tx.query<{ destroyed: boolean }>(
      `SELECT destroyed_at IS NOT NULL AS destroyed FROM data_keys WHERE tenant_id = $1 AND owner_id = $2`,
      [tenantOf(tx), ownerId],
    );
    return row?.destroyed === true;
  }

  /** Forgets one key in this process. */
  drop(tenantId: string, ownerId: string): void {
    this.cache.delete(`${tenantId}:${ownerId}`);
    for (const listener of this.droppedListeners) listener(tenantId, ownerId);
  }

  /** Called after a key was dropped from this process's memory (tests await it; metrics). */
  onDropped(listener: (tenantId: string, ownerId: string) => void): void {
    this.droppedListeners.push(listener);
  }

  /**
   * Hears destructions from every process on a PostgreSQL server over a connection of its own.
   * PGlite cannot LISTEN over its socket; it is one process, where `destroy` drops locally.
   */
  async listen(database: Database): Promise<void> {
    if (database.mode !== 'server' || this.listener || this.closed) return;
    const pool = (database.dataSource.driver as unknown as { master?: { options?: ClientConfig } })
      .master;
    if (!pool?.options) return;
    const client = new Client({ ...pool.options, application_name: 'rapport-data-keys' });
    client.on('notification', (message) => {
      if (message.channel !== DATA_KEYS_CHANNEL || !message.payload) return;
      const at = message.payload.indexOf(':');
      if (at > 0) this.drop(message.payload.slice(0, at), message.payload.slice(at + 1));
    });
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = null;
      KeyRing.deaf.add(this);
      // Destructions may have been missed while deaf: forget everything, listen again soon.
      this.cache.clear();
      if (!this.closed) setTimeout(() => void this.listen(database).catch(lost), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${DATA_KEYS_CHANNEL}`);
    this.listener = client;
    KeyRing.deaf.delete(this);
  }

  async close(): Promise<void> {
    this.closed = true;
    KeyRing.deaf.delete(this);
    const client = this.listener;
    this.listener = null;
    this.cache.clear();
    await client?.end().catch(() => undefined);
  }

  /** A key in memory: the key, null when destroyed, undefined when not known here. */
  cached(tenantId: string, ownerId: string): Buffer | null | undefined {
    const id = `${tenantId}:${ownerId}`;
    const entry = this.cache.get(id);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.cache.delete(id);
      return undefined;
    }
    return entry.key;
  }

  private remember(tenantId: string, ownerId: string, key: Buffer | null): void {
    const id = `${tenantId}:${ownerId}`;
    this.cache.delete(id);
    this.cache.set(id, { key, expires: Date.now() + this.cacheMs });
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  /** Reads and unwraps the owners' keys; an owner without a row is left out. */
  private async load(
    tx: Tx,
    tenantId: string,
    owners: string[],
  ): Promise<Map<string, Buffer | null>> {
    const rows = await tx.query<{ owner_id: string; wrapped_key: Buffer | null; kek_id: string }>(
      `SELECT owner_id, wrapped_key, kek_id FROM data_keys WHERE tenant_id = $1 AND owner_id = ANY($2::text[])`,
      [tenantId, owners],
      'rapport_data_keys_load',
    );
    const keys = new Map<string, Buffer | null>();
    for (const row of rows) {
      const key = row.wrapped_key ? await this.unwrap(row.kek_id, row.wrapped_key) : null;
      keys.set(row.owner_id, key);
      this.remember(tenantId, row.owner_id, key);
    }
    return keys;
  }

  /** Two processes racing: both insert, one wins, both use the winner's key. */
  private async create(tx: Tx, tenantId: string, ownerId: string): Promise<Buffer | null> {
    const key = randomBytes(32);
    const inserted = await tx.query(
      `INSERT INTO data_keys (tenant_id, owner_id, wrapped_key, kek_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, owner_id) DO NOTHING RETURNING owner_id`,
      [tenantId, ownerId, await this.kek.wrap(key), this.kek.id],
    );
    if (inserted.length === 1) {
      this.remember(tenantId, ownerId, key);
      return key;
    }
    return (await this.load(tx, tenantId, [ownerId])).get(ownerId) ?? null;
  }

  private unwrap(kekId: string, wrapped: Buffer): Promise<Buffer> {
    const kek =
      kekId === this.kek.id ? this.kek : this.options.retired?.find((k) => k.id === kekId);
    if (!kek)
      throw new Error(
        `a data key is wrapped by key-encryption key ${kekId}, which is not configured (docs/adr/0024)`,
      );
    return kek.unwrap(wrapped);
  }
}

function tenantOf(tx: Tx): string {
  if (!tx.tenantId) throw new Error('data keys are read and written inside a tenant transaction');
  return assertTenantId(tx.tenantId);
}
