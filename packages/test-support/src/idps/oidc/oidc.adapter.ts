/**
 * oidc-provider's storage adapter, in memory, per peer. Client metadata comes from `clients()` on every lookup, so a
 * test can register a redirect URI after the peer started (oidc-provider re-validates changed metadata).
 */
type Payload = Record<string, unknown>;

interface Entry {
  payload: Payload;
  expiresAt: number | undefined;
}

export type AdapterConstructor = new (model: string) => {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
};

export function createPeerAdapter(clients: () => Map<string, Payload>): { Adapter: AdapterConstructor; clear(): void } {
  const store = new Map<string, Entry>();
  const alive = (entry: Entry | undefined): Payload | undefined =>
    entry && (entry.expiresAt === undefined || entry.expiresAt > Date.now()) ? entry.payload : undefined;

  class PeerAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') {
        const metadata = clients().get(id);
        return metadata ? structuredClone(metadata) : undefined;
      }
      return alive(store.get(this.key(id)));
    }

    private async findBy(field: string, value: string): Promise<Payload | undefined> {
      for (const [key, entry] of store) {
        if (key.startsWith(`${this.model}:`) && entry.payload[field] === value) return alive(entry);
      }
      return undefined;
    }

    findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.findBy('userCode', userCode);
    }

    findByUid(uid: string): Promise<Payload | undefined> {
      return this.findBy('uid', uid);
    }

    async consume(id: string): Promise<void> {
      const entry = store.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    }
  }

  return { Adapter: PeerAdapter, clear: () => store.clear() };
}
