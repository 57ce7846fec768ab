/** Themes the guide's questions fall into; institutions file their own under the same ones. */
export const questionThemes = [
  'day_to_day',
  'path_into_field',
  'skills',
  'trends',
  'advice',
  'next_steps',
  'referrals',
] as const;
export type QuestionTheme = (typeof questionThemes)[number];

export interface BankQuestion {
  /** Stable: preparation and interview events refer to questions by id. */
  id: string;
  theme: QuestionTheme;
  text: string;
  /** `guide` for the built-in ones below, `institution` for questions a center added. */
  source: 'guide' | 'institution';
}

/** The guide's "Questions to Ask", word for word. Never change an id: events point at them. */
const guideQuestions: readonly Omit<BankQuestion, 'source'>[] = [
  {
    id: 'q-typical-day',
    theme: 'day_to_day',
    text: 'What is a typical day on the job like for you?',
  },
  {
    id: 'q-current-role',
    theme: 'day_to_day',
    text: 'How would you describe your role in your current position?',
  },
  {
    id: 'q-career-path',
    theme: 'path_into_field',
    text: 'What was your first job in the industry, and how did you get to your current job?',
  },
  {
    id: 'q-rewarding-challenging',
    theme: 'day_to_day',
    text: 'What is the most rewarding part of working this field, and what is the most challenging part?',
  },
  {
    id: 'q-critical-skills',
    theme: 'skills',
    text: 'What skills are most critical for success in this profession?',
  },
  {
    id: 'q-trends',
    theme: 'trends',
    text: 'What trends do you see influencing the profession?',
  },
  {
    id: 'q-opportunities-obstacles',
    theme: 'trends',
    text: 'What are some of the biggest opportunities and obstacles in the industry today?',
  },
  {
    id: 'q-advice-starting-out',
    theme: 'advice',
    text: 'What advice do you have for someone just starting out in this profession?',
  },
  {
    id: 'q-job-search-strategies',
    theme: 'advice',
    text: 'What are the best strategies for getting a job in this field?',
  },
  {
    id: 'q-professional-associations',
    theme: 'next_steps',
    text: 'Do you belong to any professional associations?',
  },
  {
    id: 'q-learn-more',
    theme: 'next_steps',
    text: 'What are the best ways to learn more about this profession? Is there anything you would recommend I read?',
  },
  {
    id: 'q-what-next',
    theme: 'next_steps',
    text: 'What do you think I should do next?',
  },
  {
    id: 'q-anyone-else',
    theme: 'referrals',
    text: 'Is there anyone else you know who I should be talking to about this? Would you be willing to put me in touch with them?',
  },
];

export const defaultQuestionBank: readonly BankQuestion[] = guideQuestions.map((question) => ({
  ...question,
  source: 'guide',
}));
