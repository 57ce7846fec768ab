const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTenantIdError extends Error {
  constructor(value: unknown) {
    super(`tenant id must be a UUID, got ${JSON.stringify(value)}`);
    this.name = 'InvalidTenantIdError';
  }
}

/** Tenant ids are UUIDs; validating them lets the transaction preamble inline them safely. */
export function assertTenantId(value: string): string {
  if (!UUID.test(value)) throw new InvalidTenantIdError(value);
  return value.toLowerCase();
}
