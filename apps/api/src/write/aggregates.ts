import {
  advisorNotesDecider,
  cohortDecider,
  contactDecider,
  type Decider,
  identityDecider,
  institutionDecider,
  interviewDecider,
  parseStreamId,
  questionBankDecider,
  staffDecider,
  type StreamKind,
  studentDecider,
} from '@rapport/domain';

// The deciders are typed per aggregate; the store moves their events as plain data.
type AnyDecider = Decider<never, { type: string; data: object }, unknown>;

export const decidersByKind: Record<StreamKind, AnyDecider> = {
  institution: institutionDecider,
  cohort: cohortDecider,
  student: studentDecider,
  contact: contactDecider,
  interview: interviewDecider,
  questionBank: questionBankDecider,
  advisorNotes: advisorNotesDecider,
  identity: identityDecider,
  staff: staffDecider,
};

export interface StreamAggregate {
  kind: StreamKind;
  id: string | null;
  decider: AnyDecider;
}

/** Which aggregate a stream holds, and the decider that folds it. */
export function aggregateOf(streamId: string): StreamAggregate {
  const parsed = parseStreamId(streamId);
  if (!parsed) throw new Error(`stream ${streamId} belongs to no aggregate`);
  return { ...parsed, decider: decidersByKind[parsed.kind] };
}
