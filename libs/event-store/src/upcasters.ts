/**
 * Old events stay as they were written; readers see them in the current shape. An upcaster
 * lifts one `(type, schemaVersion)` to the next version and they chain until none applies.
 */
export type Upcaster = (data: unknown) => unknown;

export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();
  private readonly types = new Set<string>();

  register(type: string, fromSchemaVersion: number, upcast: Upcaster): this {
    const key = `${type}@${fromSchemaVersion}`;
    if (this.byKey.has(key)) throw new Error(`an upcaster for ${key} is already registered`);
    this.byKey.set(key, upcast);
    this.types.add(type);
    return this;
  }

  /** Whether any upcaster is registered for the type (most events have none: no lookup, no copy). */
  handles(type: string): boolean {
    return this.types.has(type);
  }

  apply(
    type: string,
    schemaVersion: number,
    data: unknown,
  ): { schemaVersion: number; data: unknown } {
    let version = schemaVersion;
    let current = data;
    for (
      let upcast = this.byKey.get(`${type}@${version}`);
      upcast;
      upcast = this.byKey.get(`${type}@${version}`)
    ) {
      current = upcast(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}
