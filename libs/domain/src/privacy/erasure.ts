/**
 * Why a person was erased (docs/adr/0025): an enum, never free text, so the erasure event
 * carries no personal data.
 */
export const ERASURE_REASONS = ['request', 'retention', 'institution'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];
