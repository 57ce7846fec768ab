import { type ContactRelationship } from '../contact/contact.events';
import { type DomainCommand, type DomainEvent } from '../domain';
import { addContactsForReferrals, registerStudentOnEnrollment } from '../policies/reactions.policy';
import { type IdBuilder } from './ids';
import { type Rng } from './random';

/**
 * One student's term as the commands the student issues, with each command's simulated time:
 * brainstormed contacts, requests (pending, nudged, declined, unanswered), interviews (accepted,
 * scheduled, rescheduled or cancelled, prepared, held, thanked promptly, late or never),
 * referrals, shadowing and touchpoints. The demo seed, the benchmark seed, the property tests
 * and the e2e builders all draw from it; every command is one the real deciders accept.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

export type Persona = 'star' | 'steady' | 'overdue' | 'stalled' | 'new';

export const personas: readonly Persona[] = ['star', 'steady', 'overdue', 'stalled', 'new'];

/** The benchmark's mix of personas in a large cohort. */
export const personaWeights: readonly (readonly [Persona, number])[] = [
  ['star', 0.25],
  ['steady', 0.35],
  ['overdue', 0.15],
  ['stalled', 0.15],
  ['new', 0.1],
];

export interface Professional {
  organization: string;
  role: string;
  industry: string;
}

/** Where contacts work, what they are called and what students learn from them. */
export interface JourneyCatalog {
  professionals: readonly Professional[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  insights: readonly string[];
}

export const defaultCatalog: JourneyCatalog = {
  professionals: [
    {
      organization: 'Riverside General Hospital',
      role: 'Nurse Practitioner',
      industry: 'Healthcare',
    },
    {
      organization: 'County Public Health Dept.',
      role: 'Epidemiologist',
      industry: 'Public Health',
    },
    { organization: 'MedBridge Labs', role: 'Research Coordinator', industry: 'Biotech' },
    { organization: 'Brightline Software', role: 'Software Engineer', industry: 'Software' },
    { organization: 'Cobalt Analytics', role: 'Data Scientist', industry: 'Data & Analytics' },
    { organization: 'Meridian Bank', role: 'Product Manager', industry: 'Finance' },
    { organization: 'Northwind Consulting', role: 'Management Consultant', industry: 'Consulting' },
    { organization: 'Pixelworks Studio', role: 'UX Designer', industry: 'Design' },
    { organization: 'Greenfield Energy', role: 'Operations Analyst', industry: 'Energy' },
    { organization: 'Atlas Logistics', role: 'Supply Chain Manager', industry: 'Logistics' },
    { organization: 'Harbor Law Group', role: 'Associate Attorney', industry: 'Legal' },
    { organization: 'Civic Museum', role: 'Curator', industry: 'Arts & Culture' },
  ],
  firstNames: ['Alex', 'Jordan', 'Morgan', 'Riley', 'Casey', 'Jamie', 'Avery', 'Parker', 'Rowan'],
  lastNames: ['Okafor', 'Lindqvist', 'Moreau', 'Alvarez', 'Petrova', 'Haddad', 'Kim', 'Singh'],
  insights: ['Internships matter more than grades for the first job'],
};

/** How much one persona does in a term; ranges include both ends. */
export interface PersonaPlan {
  contacts: readonly [number, number];
  interviews: readonly [number, number];
  requests: readonly [number, number];
  /** The day of the term the student starts on. */
  firstDay: readonly [number, number];
  /** The chance that a held interview ends with "who else should I talk to?". */
  referrals: number;
  /** Asks a fresh referral before an older brainstormed contact: chains of introductions. */
  followReferrals: boolean;
}

/** A full term of a large cohort, as the benchmark seeds it (36 interviews for a star). */
export const termPlans: Readonly<Record<Persona, PersonaPlan>> = {
  star: plan([6, 10], [32, 40], [4, 8]),
  steady: plan([6, 10], [18, 26], [3, 6]),
  overdue: plan([6, 10], [10, 14], [2, 4]),
  stalled: plan([6, 10], [1, 3], [8, 12]),
  new: { ...plan([2, 4], [0, 1], [1, 3]), firstDay: [52, 61] },
};

/** A few weeks of a small cohort, as the demo and the e2e tests show it: stars follow referrals. */
export const smallPlans: Readonly<Record<Persona, PersonaPlan>> = {
  star: { ...plan([4, 6], [4, 6], [0, 1]), referrals: 0.8, followReferrals: true },
  steady: { ...plan([4, 6], [1, 2], [1, 1]), referrals: 0.3 },
  overdue: { ...plan([4, 6], [1, 2], [0, 1]), referrals: 0.2 },
  stalled: plan([4, 6], [0, 0], [2, 2]),
  new: { ...plan([2, 4], [0, 1], [1, 1]), firstDay: [52, 61] },
};

function plan(
  contacts: readonly [number, number],
  interviews: readonly [number, number],
  requests: readonly [number, number],
): PersonaPlan {
  return {
    contacts,
    interviews,
    requests,
    firstDay: [1, 6],
    referrals: 0.4,
    followReferrals: false,
  };
}

export interface JourneyOptions {
  studentId: string;
  persona: Persona;
  rng: Rng;
  /** Contact and interview ids come from here: `ids('contact', studentId, n)`. */
  ids: IdBuilder;
  clock: {
    /** Day 0 of the term. */
    start: Date;
    /** Steps after this instant have not happened yet and are left out. */
    now: Date;
    /** New requests stop on this day of the term (78 of an 84-day term). */
    lastRequestDay: number;
  };
  plans?: Readonly<Record<Persona, PersonaPlan>>;
  catalog?: JourneyCatalog;
}

/** One command the student issues, at its simulated instant (ISO-8601). */
export interface JourneyStep {
  at: string;
  command: DomainCommand;
}

/**
 * The student's commands in the order to run them. Each stream's commands are in time order;
 * across streams they are not (a contact is brainstormed before an earlier request is answered),
 * so a consumer that needs a global order sorts by `at`. Run `reactionsTo` on each command's
 * events, as the API's process managers do: referrals become contacts the journey asks later.
 */
export function studentJourney(options: JourneyOptions): JourneyStep[] {
  return new Journey(options).play();
}

/** The commands other aggregates receive after these events, as the API's handlers issue them. */
export function reactionsTo(events: readonly DomainEvent[]): DomainCommand[] {
  const reactions: DomainCommand[] = [];
  for (const event of events) {
    if (event.type === 'ReferralsReceived') reactions.push(...addContactsForReferrals(event));
    if (event.type === 'StudentEnrolled') reactions.push(registerStudentOnEnrollment(event));
  }
  return reactions;
}

const relationships: ContactRelationship[] = [
  'family',
  'friend',
  'faculty',
  'coworker',
  'classmate',
  'neighbor',
  'mentor',
];
const touchpoints = [
  'shared_article',
  'updated_on_next_steps',
  'met_at_event',
  'offered_help',
] as const;

interface ContactSlot {
  id: string;
  addedAt: number;
  used: boolean;
  referral: boolean;
}

class Journey {
  private readonly steps: JourneyStep[] = [];
  private readonly contacts: ContactSlot[] = [];
  private contactNo = 0;
  private interviewNo = 0;
  private readonly rng: Rng;
  private readonly studentId: string;
  private readonly start: number;
  private readonly now: number;
  private readonly plan: PersonaPlan;
  private readonly catalog: JourneyCatalog;

  constructor(private readonly options: JourneyOptions) {
    this.rng = options.rng;
    this.studentId = options.studentId;
    this.start = options.clock.start.getTime();
    this.now = options.clock.now.getTime();
    this.plan = (options.plans ?? termPlans)[options.persona];
    this.catalog = options.catalog ?? defaultCatalog;
  }

  private exec(at: number, command: DomainCommand): void {
    this.steps.push({ at: iso(at), command });
  }

  /** A daytime instant on day `n` of the term. */
  private day(n: number): number {
    return this.start + n * DAY + (9 + this.rng.next() * 9) * HOUR;
  }

  private between([lo, hi]: readonly [number, number]): number {
    return this.rng.between(lo, hi);
  }

  play(): JourneyStep[] {
    const r = this.rng;
    const { persona } = this.options;
    const { professionals } = this.catalog;
    const first = this.between(this.plan.firstDay);
    if (this.day(first) > this.now) return this.steps;
    const profileAt = this.day(first);
    this.exec(profileAt, {
      type: 'UpdateStudentProfile',
      data: {
        studentId: this.studentId,
        careerInterests: [r.pick(professionals).industry, r.pick(professionals).industry],
        at: iso(profileAt),
      },
    });
    if (r.chance(0.2)) {
      const at = this.day(first + 1 + r.int(20));
      if (at <= this.now) {
        this.exec(at, {
          type: 'SetDigestPreference',
          data: { studentId: this.studentId, preference: 'off', at: iso(at) },
        });
      }
    }
    const brainstorm = this.between(this.plan.contacts);
    for (let i = 0; i < brainstorm; i++) {
      const at = this.day(first + 1 + r.int(4));
      if (at <= this.now) this.addContact(at);
    }

    const interviews = this.between(this.plan.interviews);
    const requests = this.between(this.plan.requests);
    const slots = r.shuffle([
      ...Array<'interview'>(interviews).fill('interview'),
      ...Array<'request'>(requests).fill('request'),
    ]);
    const from = first + 5;
    const span = Math.max(3, this.options.clock.lastRequestDay - from);
    slots.forEach((kind, i) => {
      const requestedAt = this.day(from + Math.floor((i / slots.length) * span) + r.int(3));
      if (requestedAt > this.now) return;
      const contactId = this.contactFor(requestedAt);
      if (kind === 'request') {
        const outcome =
          requestedAt > this.now - 20 * DAY
            ? 'pending'
            : r.pick(['unanswered', 'declined'] as const);
        this.request(contactId, requestedAt, outcome);
      } else {
        // The overdue persona leaves its latest interviews without a thank-you.
        const lastOnes = persona === 'overdue' && i >= slots.length - 3;
        const thank = lastOnes
          ? 'none'
          : r.chance(0.75)
            ? 'prompt'
            : r.chance(0.6)
              ? 'late'
              : 'none';
        this.interview(contactId, requestedAt, thank);
      }
    });
    return this.steps;
  }

  private addContact(at: number): string {
    const r = this.rng;
    const contactId = this.options.ids('contact', this.studentId, this.contactNo++);
    const pro = r.pick(this.catalog.professionals);
    this.exec(at, {
      type: 'AddContact',
      data: {
        contactId,
        studentId: this.studentId,
        relationship: r.pick(relationships),
        organization: pro.organization,
        role: pro.role,
        industry: pro.industry,
        referredByContactId: null,
        personal: { name: this.personName(), email: null, linkedinUrl: null, notes: null },
        at: iso(at),
      },
    });
    this.contacts.push({ id: contactId, addedAt: at, used: false, referral: false });
    if (r.chance(0.1)) {
      const later = at + (1 + r.int(10)) * DAY;
      if (later <= this.now) {
        this.exec(later, {
          type: 'UpdateContact',
          data: { contactId, role: `Senior ${pro.role}`, at: iso(later) },
        });
      }
    }
    return contactId;
  }

  /** An unused contact known before `at` (the newest referral first, if the plan says so), else a new one. */
  private contactFor(at: number): string {
    const known = (c: ContactSlot) => !c.used && c.addedAt < at - HOUR;
    const referral = this.plan.followReferrals
      ? this.contacts.findLast((c) => c.referral && known(c))
      : undefined;
    const free = referral ?? this.contacts.find(known);
    if (free) {
      free.used = true;
      return free.id;
    }
    const id = this.addContact(at - 2 * HOUR);
    this.contacts[this.contacts.length - 1].used = true;
    return id;
  }

  private request(
    contactId: string,
    at: number,
    outcome: 'pending' | 'unanswered' | 'declined',
  ): void {
    const interviewId = this.options.ids('interview', this.studentId, this.interviewNo++);
    const steps: [number, DomainCommand][] = [
      [
        at,
        {
          type: 'SendRequest',
          data: {
            interviewId,
            studentId: this.studentId,
            contactId,
            channel: 'email',
            askMinutes: 30,
            proposedFormats: ['coffee', 'video'],
            at: iso(at),
          },
        },
      ],
    ];
    if (outcome !== 'pending') {
      steps.push([
        at + 6 * DAY,
        { type: 'NudgeRequest', data: { interviewId, at: iso(at + 6 * DAY) } },
      ]);
      if (outcome === 'declined') {
        steps.push([
          at + 9 * DAY,
          { type: 'RecordDecline', data: { interviewId, at: iso(at + 9 * DAY) } },
        ]);
      } else {
        steps.push([
          at + 12 * DAY,
          { type: 'NudgeRequest', data: { interviewId, at: iso(at + 12 * DAY) } },
        ]);
        steps.push([
          at + 19 * DAY,
          { type: 'CloseUnanswered', data: { interviewId, at: iso(at + 19 * DAY) } },
        ]);
      }
    }
    this.run(steps);
  }

  /** Request → accept → schedule → prepare → held → thank-you → referrals; later steps wait. */
  private interview(
    contactId: string,
    requestedAt: number,
    thank: 'prompt' | 'late' | 'none',
  ): void {
    const r = this.rng;
    const interviewId = this.options.ids('interview', this.studentId, this.interviewNo++);
    const nudged = r.chance(0.3);
    const acceptedAt = requestedAt + (nudged ? 4 + r.int(3) : 1 + r.int(3)) * DAY;
    let scheduledFor = acceptedAt + (3 + r.int(6)) * DAY;
    const steps: [number, DomainCommand][] = [
      [
        requestedAt,
        {
          type: 'SendRequest',
          data: {
            interviewId,
            studentId: this.studentId,
            contactId,
            channel: r.pick(['email', 'linkedin'] as const),
            askMinutes: 30,
            proposedFormats: ['coffee', 'video', 'phone'],
            at: iso(requestedAt),
          },
        },
      ],
    ];
    if (nudged) {
      steps.push([
        requestedAt + 3 * DAY,
        { type: 'NudgeRequest', data: { interviewId, at: iso(requestedAt + 3 * DAY) } },
      ]);
    }
    steps.push([
      acceptedAt,
      { type: 'RecordAcceptance', data: { interviewId, at: iso(acceptedAt) } },
    ]);
    steps.push([
      acceptedAt + HOUR,
      {
        type: 'ScheduleInterview',
        data: {
          interviewId,
          scheduledFor: iso(scheduledFor),
          format: 'coffee',
          durationMinutes: 30,
          at: iso(acceptedAt + HOUR),
        },
      },
    ]);
    if (r.chance(0.15)) {
      scheduledFor += 2 * DAY;
      steps.push([
        acceptedAt + DAY,
        {
          type: 'RescheduleInterview',
          data: {
            interviewId,
            scheduledFor: iso(scheduledFor),
            requestedBy: 'contact',
            at: iso(acceptedAt + DAY),
          },
        },
      ]);
    }
    if (r.chance(0.04)) {
      steps.push([
        acceptedAt + 2 * DAY,
        {
          type: 'CancelInterview',
          data: { interviewId, cancelledBy: 'contact', at: iso(acceptedAt + 2 * DAY) },
        },
      ]);
      this.run(steps);
      return;
    }
    steps.push([
      scheduledFor - DAY,
      {
        type: 'RecordPreparation',
        data: {
          interviewId,
          questionIds: ['q-typical-day', 'q-career-path', 'q-critical-skills', 'q-anyone-else'],
          personal: {
            researchNotes: 'Read the organization’s annual report and recent news',
            customQuestions: ['What surprised you most in your first year?'],
          },
          at: iso(scheduledFor - DAY),
        },
      },
    ]);
    const recordedHeld = scheduledFor + 2 * HOUR;
    steps.push([
      recordedHeld,
      {
        type: 'RecordInterviewHeld',
        data: {
          interviewId,
          studentId: this.studentId,
          contactId,
          heldAt: iso(scheduledFor),
          format: 'coffee',
          questionIdsAsked: ['q-typical-day', 'q-career-path', 'q-anyone-else'],
          personal: {
            notes: 'Warm conversation, offered to review my resume',
            keyInsights: [r.pick(this.catalog.insights)],
            advice: 'Talk to people in adjacent roles too',
          },
          at: iso(recordedHeld),
        },
      },
    ]);
    if (thank !== 'none') {
      const sent = scheduledFor + (thank === 'prompt' ? 20 * HOUR : 5 * DAY);
      steps.push([
        sent,
        {
          type: 'RecordThankYou',
          data: { interviewId, sentAt: iso(sent), channel: 'email', at: iso(sent) },
        },
      ]);
    }
    const referred: ContactSlot[] = [];
    if (r.chance(this.plan.referrals)) {
      const at = scheduledFor + DAY + 3 * HOUR;
      const referrals = Array.from({ length: 1 + r.int(2) }, () => ({
        contactId: this.options.ids('contact', this.studentId, this.contactNo++),
        name: this.personName(),
        ...r.pick(this.catalog.professionals),
      }));
      for (const { contactId: id } of referrals) {
        referred.push({ id, addedAt: at, used: false, referral: true });
      }
      steps.push([at, { type: 'RecordReferrals', data: { interviewId, referrals, at: iso(at) } }]);
    }
    if (r.chance(0.1)) {
      const at = scheduledFor + 2 * DAY;
      steps.push([
        at,
        { type: 'RequestShadowing', data: { interviewId, kind: 'shadowing', at: iso(at) } },
      ]);
    }
    if (thank === 'prompt' && r.chance(0.35)) {
      const at = scheduledFor + (10 + r.int(15)) * DAY;
      steps.push([
        at,
        { type: 'RecordTouchpoint', data: { interviewId, kind: r.pick(touchpoints), at: iso(at) } },
      ]);
    }
    this.run(steps, referred);
  }

  /** Steps in time order; the ones after "now" have not happened yet. */
  private run(steps: [number, DomainCommand][], referred: ContactSlot[] = []): void {
    steps.sort((a, b) => a[0] - b[0]);
    for (const [at, command] of steps) {
      if (at > this.now) return;
      this.exec(at, command);
      // The reaction to RecordReferrals adds these contacts; the student may ask them later.
      if (command.type === 'RecordReferrals') this.contacts.push(...referred);
    }
  }

  private personName(): string {
    return `${this.rng.pick(this.catalog.firstNames)} ${this.rng.pick(this.catalog.lastNames)}`;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
