/** Program settings a career center tunes; every due date and digest reads them. */
export interface InstitutionSettings {
  /** ISO weekday the weekly digest goes out on: 1 = Monday … 7 = Sunday. */
  readonly digestWeekday: number;
  /** Local hour (0-23, in the institution's time zone) the digest goes out at. */
  readonly digestHour: number;
  /** "Within a few days of the interview, send a message to thank the professional." */
  readonly thankYouWindowDays: number;
  /** "Aim to interview at least three to five professionals": the three… */
  readonly interviewTarget: number;
  /** …and the five. */
  readonly interviewStretchTarget: number;
  /** Days without a reply before a polite nudge is due. */
  readonly nudgeAfterDays: number;
  /** Days of silence after which staying in touch is due again. */
  readonly stayInTouchDays: number;
  /** "Ask for something small—say, thirty minutes": the default ask of a request. */
  readonly requestedMeetingMinutes: number;
  /** Days before a scheduled interview by which preparation should be done. */
  readonly prepareBeforeDays: number;
  /** Days after receiving a referral by which the student should have reached out. */
  readonly referralFollowUpDays: number;
  /** Months after a student's last cohort ended before the daily retention job erases them. */
  readonly retentionMonthsAfterCohortEnd: number;
}

export const defaultInstitutionSettings: InstitutionSettings = {
  digestWeekday: 1,
  digestHour: 8,
  thankYouWindowDays: 3,
  interviewTarget: 3,
  interviewStretchTarget: 5,
  nudgeAfterDays: 7,
  stayInTouchDays: 60,
  requestedMeetingMinutes: 30,
  prepareBeforeDays: 3,
  referralFollowUpDays: 7,
  retentionMonthsAfterCohortEnd: 24,
};

export type InstitutionSettingKey = keyof InstitutionSettings;

/** Allowed range per setting; upper bounds keep date arithmetic and digests sane. */
export const institutionSettingRanges: Readonly<
  Record<
    InstitutionSettingKey,
    { readonly min: number; readonly max: number; readonly label: string }
  >
> = {
  digestWeekday: { min: 1, max: 7, label: 'Digest weekday' },
  digestHour: { min: 0, max: 23, label: 'Digest hour' },
  thankYouWindowDays: { min: 1, max: 365, label: 'Thank-you window (days)' },
  interviewTarget: { min: 1, max: 100, label: 'Interview target' },
  interviewStretchTarget: { min: 1, max: 100, label: 'Interview stretch target' },
  nudgeAfterDays: { min: 1, max: 365, label: 'Nudge after (days)' },
  stayInTouchDays: { min: 1, max: 365, label: 'Stay-in-touch interval (days)' },
  // The same bounds a single request may ask for, so the default can always be used.
  requestedMeetingMinutes: { min: 5, max: 240, label: 'Requested meeting length (minutes)' },
  prepareBeforeDays: { min: 1, max: 365, label: 'Prepare-before window (days)' },
  referralFollowUpDays: { min: 1, max: 365, label: 'Referral follow-up (days)' },
  // At least a month, so a typo cannot erase this term's students; at most twenty years.
  retentionMonthsAfterCohortEnd: {
    min: 1,
    max: 240,
    label: 'Retention after the last cohort ended (months)',
  },
};

export const institutionSettingKeys = Object.keys(
  defaultInstitutionSettings,
) as InstitutionSettingKey[];
