import { type ContactRelationship } from '../contact/contact.events';
import { compareStrings } from './instants';
import { interviewsOf } from './progress-summary';
import { type StudentProgress } from './student-progress';

/** One contact in a student's referral forest (plain JSON, nested). */
export interface ReferralNode {
  contactId: string;
  /** 0 for a contact the student found themselves. */
  depth: number;
  relationship: ContactRelationship;
  organization: string | null;
  role: string | null;
  industry: string | null;
  archived: boolean;
  /** An interview with this contact was held. */
  interviewed: boolean;
  /** An interview with this contact produced referrals. */
  producedReferrals: boolean;
  children: ReferralNode[];
}

export interface ReferralForest {
  studentId: string;
  /** Contacts nobody referred (and, defensively, one node of any referral cycle), by id. */
  roots: ReferralNode[];
  nodes: number;
  /** Deepest referral chain: 0 when no contact came from a referral. */
  maxDepth: number;
  /** Most referrals made by one contact. */
  maxBranching: number;
}

/**
 * The student's contacts as a forest: each referred contact hangs under the contact who
 * introduced them (from `referredByContactId`, or from the interview whose referrals named
 * them when the ContactAdded is not yet folded in). Children are ordered by contact id.
 */
export function referralNetwork(progress: StudentProgress): ReferralForest {
  const interviews = interviewsOf(progress);
  const parentOf = new Map<string, string>();
  const ids = new Set<string>(Object.keys(progress.contacts));
  for (const contact of Object.values(progress.contacts)) {
    if (contact.referredByContactId !== null) {
      parentOf.set(contact.contactId, contact.referredByContactId);
    }
  }
  for (const interview of interviews) {
    ids.add(interview.contactId);
    for (const referral of interview.referrals) {
      ids.add(referral.contactId);
      if (!parentOf.has(referral.contactId)) parentOf.set(referral.contactId, interview.contactId);
    }
  }
  const childrenOf = new Map<string, string[]>();
  for (const [child, parent] of parentOf) {
    if (!ids.has(parent) || parent === child) continue;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
  }
  const interviewed = new Set(interviews.filter((i) => i.heldAt !== null).map((i) => i.contactId));
  const referring = new Set(
    interviews.filter((i) => i.referrals.length > 0).map((i) => i.contactId),
  );

  let maxDepth = 0;
  let maxBranching = 0;
  const visited = new Set<string>();
  const build = (contactId: string, depth: number): ReferralNode => {
    visited.add(contactId);
    maxDepth = Math.max(maxDepth, depth);
    const contact = Object.hasOwn(progress.contacts, contactId)
      ? progress.contacts[contactId]
      : null;
    const childIds = (childrenOf.get(contactId) ?? [])
      .filter((id) => !visited.has(id))
      .sort(compareStrings);
    maxBranching = Math.max(maxBranching, childIds.length);
    return {
      contactId,
      depth,
      relationship: contact?.relationship ?? 'referral',
      organization: contact?.organization ?? null,
      role: contact?.role ?? null,
      industry: contact?.industry ?? null,
      archived: contact?.archived ?? false,
      interviewed: interviewed.has(contactId),
      producedReferrals: referring.has(contactId),
      children: childIds.map((id) => build(id, depth + 1)),
    };
  };

  const sorted = [...ids].sort(compareStrings);
  const roots: ReferralNode[] = [];
  for (const id of sorted) {
    const parent = parentOf.get(id);
    if (parent === undefined || !ids.has(parent) || parent === id) roots.push(build(id, 0));
  }
  // Valid histories cannot make a cycle (referred contacts are new); still, show every contact.
  for (const id of sorted) if (!visited.has(id)) roots.push(build(id, 0));

  return { studentId: progress.studentId, roots, nodes: visited.size, maxDepth, maxBranching };
}

/** A professional several students have contacted. */
export interface SharedProfessional {
  /** `organization|role`, normalised. */
  key: string;
  organization: string;
  role: string;
  /** Sorted. */
  studentIds: string[];
  /** Sorted by student, then contact id. */
  contacts: { studentId: string; contactId: string }[];
}

/**
 * Professionals contacted (an interview requested or held) by more than one student. Progress
 * state holds no personal names (they are encrypted per student), so a professional is keyed by
 * normalised organization + role: lower case, accents and punctuation dropped, whitespace
 * collapsed, and a trailing legal form (inc, llc, ltd, …) removed from the organization.
 * Contacts without both are skipped. Two people with the same role at one organization merge;
 * treat a group as "probably the same person", for an advisor to check.
 * Sorted by number of students (most first), then key.
 */
export function sharedProfessionals(students: readonly StudentProgress[]): SharedProfessional[] {
  const groups = new Map<string, SharedProfessional>();
  for (const student of students) {
    const contacted = new Set(
      Object.values(student.interviews)
        .filter((i) => i.requestedAt !== null || i.heldAt !== null)
        .map((i) => i.contactId),
    );
    for (const contact of Object.values(student.contacts)) {
      if (!contacted.has(contact.contactId)) continue;
      const organization = normalizeOrganization(contact.organization);
      const role = normalizeLabel(contact.role);
      if (organization === '' || role === '') continue;
      const key = `${organization}|${role}`;
      const group = groups.get(key) ?? { key, organization, role, studentIds: [], contacts: [] };
      if (!group.studentIds.includes(student.studentId)) group.studentIds.push(student.studentId);
      group.contacts.push({ studentId: student.studentId, contactId: contact.contactId });
      groups.set(key, group);
    }
  }
  return [...groups.values()]
    .filter((group) => group.studentIds.length > 1)
    .map((group) => ({
      ...group,
      studentIds: [...group.studentIds].sort(compareStrings),
      contacts: [...group.contacts].sort(
        (a, b) =>
          compareStrings(a.studentId, b.studentId) || compareStrings(a.contactId, b.contactId),
      ),
    }))
    .sort((a, b) => b.studentIds.length - a.studentIds.length || compareStrings(a.key, b.key));
}

const LEGAL_FORMS = /\s+(inc|incorporated|llc|llp|ltd|limited|corp|corporation|co|gmbh|plc|sa)$/;

export function normalizeLabel(value: string | null): string {
  if (value === null) return '';
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function normalizeOrganization(value: string | null): string {
  return normalizeLabel(value).replace(LEGAL_FORMS, '').trim();
}
