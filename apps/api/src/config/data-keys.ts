import { erasedPersonal, personalDataOwner } from '@rapport/domain';
import {
  type EventStoreModuleOptions,
  KeyRing,
  LocalKeyEncryptionKey,
  type PersonalDataPolicy,
  sealingStep,
  type StorePrivacy,
} from '@rapport/event-store';
import type { AppConfig } from './app-config';
import { persistentSecret } from './persistent-secret';

/** Whose key seals an event's personal part and what it reads as once erased: the domain's rules. */
export const personalDataPolicy: PersonalDataPolicy = {
  ownerOf: (_type, data) => personalDataOwner(data),
  erased: (type, data) => erasedPersonal(type, data),
};

/** The event store's sealing settings (docs/adr/0024); the secret is generated in development. */
export function privacyOptions(config: AppConfig): EventStoreModuleOptions['privacy'] {
  if (config.dataKeys?.sealing === false) return undefined;
  const secret = config.dataKeys?.secret ?? persistentSecret(config.dataDir, 'data-key-secret');
  return {
    policy: personalDataPolicy,
    kek: new LocalKeyEncryptionKey(secret),
    cacheMs: config.dataKeys?.cacheMs,
    cacheSize: config.dataKeys?.cacheSize,
  };
}

/** A key ring and policy for a store outside Nest (command-line tools, the bench). */
export function storePrivacy(config: AppConfig): StorePrivacy {
  const options = privacyOptions({ ...config, dataKeys: { ...config.dataKeys!, sealing: true } })!;
  return { policy: options.policy, keys: new KeyRing(options.kek, options) };
}

/** The step that seals personal data written before docs/adr/0024, run after migrating. */
export function sealAfterMigrating(privacy: StorePrivacy) {
  return sealingStep({ privacy: { ...privacy, kek: privacy.keys.kek } }, privacy.keys);
}
