/** Names and places for the demo institution; fictional, varied, and deterministic. */
export const firstNames = [
  'Amara', 'Ben', 'Chloe', 'Diego', 'Elena', 'Farah', 'Gabriel', 'Hana', 'Isaac', 'Jade',
  'Kofi', 'Lena', 'Mateo', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara',
  'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Aiden', 'Bianca', 'Caleb', 'Dalia',
  'Emeka', 'Fiona', 'Goran', 'Hiro', 'Ines', 'Jonah', 'Keiko', 'Liam', 'Maya', 'Noah',
];

export const lastNames = [
  'Okafor', 'Lindqvist', 'Moreau', 'Alvarez', 'Petrova', 'Haddad', 'Santos', 'Kim', 'Cohen', 'Nguyen',
  'Mensah', 'Fischer', 'Rossi', 'Rahman', 'Farouk', 'Iyer', 'Walsh', 'Delgado', 'Kowalski', 'Singh',
];

export interface DemoProfessional {
  organization: string;
  role: string;
  industry: string;
}

export const professionalsByTrack: Record<'health' | 'tech', DemoProfessional[]> = {
  health: [
    { organization: 'Riverside General Hospital', role: 'Nurse Practitioner', industry: 'Healthcare' },
    { organization: 'Lakeshore Physical Therapy', role: 'Physical Therapist', industry: 'Healthcare' },
    { organization: 'County Public Health Dept.', role: 'Epidemiologist', industry: 'Public Health' },
    { organization: 'Northside Pharmacy', role: 'Clinical Pharmacist', industry: 'Pharmacy' },
    { organization: 'MedBridge Labs', role: 'Research Coordinator', industry: 'Biotech' },
    { organization: 'Harbor Dental Group', role: 'Dentist', industry: 'Healthcare' },
    { organization: 'St. Clare Children’s Hospital', role: 'Pediatric Resident', industry: 'Healthcare' },
    { organization: 'Wellspring Counseling', role: 'Licensed Counselor', industry: 'Mental Health' },
  ],
  tech: [
    { organization: 'Brightline Software', role: 'Software Engineer', industry: 'Software' },
    { organization: 'Cobalt Analytics', role: 'Data Scientist', industry: 'Data & Analytics' },
    { organization: 'Meridian Bank', role: 'Product Manager', industry: 'Finance' },
    { organization: 'Northwind Consulting', role: 'Management Consultant', industry: 'Consulting' },
    { organization: 'Pixelworks Studio', role: 'UX Designer', industry: 'Design' },
    { organization: 'Greenfield Energy', role: 'Operations Analyst', industry: 'Energy' },
    { organization: 'City Startup Hub', role: 'Founder', industry: 'Entrepreneurship' },
    { organization: 'Atlas Logistics', role: 'Supply Chain Manager', industry: 'Logistics' },
  ],
};

export const contactFirstNames = [
  'Alex', 'Jordan', 'Morgan', 'Riley', 'Casey', 'Jamie', 'Avery', 'Parker', 'Rowan', 'Skyler',
  'Dana', 'Robin', 'Sasha', 'Terry', 'Lee', 'Kai', 'Drew', 'Emerson', 'Finley', 'Hayden',
];

export const insights = [
  'Most of the job is communication, not the technical part',
  'Internships matter more than grades for the first job',
  'The field is moving fast toward remote collaboration',
  'Join the professional association as a student member',
  'Shadowing for a day says more than any job description',
];
