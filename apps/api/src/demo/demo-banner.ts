import { decodeJwt } from 'jose';
import type { DemoTokens } from './demo-seed.service';

/** What a newcomer needs after `npm start`: where to go and how to get in. */
export function demoBanner(url: string, tokens: DemoTokens): string {
  const example = `curl -s ${url} -H 'content-type: application/json' \\
  -H "authorization: Bearer $ADMIN_TOKEN" \\
  -d '{"query":"{ institution { name settings { interviewTarget thankYouWindowDays } } cohorts { id name } }"}'`;
  return [
    '',
    `Rapport is serving GraphQL at ${url}`,
    '',
    `Demo tokens (Riverside State University, valid until ${validUntil(tokens.admin)}; \`npm run token\` makes more):`,
    `  ADMIN_TOKEN=${tokens.admin}`,
    `  ADVISOR_TOKEN=${tokens.advisor}`,
    `  STUDENT_TOKEN=${tokens.student}   # student ${tokens.studentId}`,
    '',
    'Try:',
    example,
    '',
  ].join('\n');
}

/** TokenService.sign always sets `exp`; its length depends on JWT_MAX_AGE_SECONDS. */
function validUntil(token: string): string {
  return new Date((decodeJwt(token).exp ?? 0) * 1000).toISOString();
}
