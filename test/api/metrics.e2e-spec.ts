import request from 'supertest';
import { enrolledStudents, newInstitution } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';
import { MAX_OPERATION_LABELS } from '../../apps/api/src/metrics/metrics.service';

describe('metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const scrape = async () =>
    (await request(t.app.getHttpServer()).get('/metrics').expect(200)).text;
  const value = (text: string, series: string) => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(series + ' ') || l.startsWith(series + '{'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('counts appends and conflicts, times operations by name and reports projection lag', async () => {
    const before = await scrape();
    const inst = await newInstitution(t);
    const [studentId] = (
      await enrolledStudents(t, inst.adminToken, [
        { name: 'Kim Student', email: 'kim@example.edu' },
      ])
    ).studentIds;
    const token = await inst.studentToken(studentId);
    const { id } = ok(
      await graphql(
        t.app,
        token,
        `
          mutation AddContact {
            addContact(input: { name: "Kim", relationship: friend }) {
              contact {
                id
              }
            }
          }
        `,
      ),
    ).addContact.contact;
    await graphql(
      t.app,
      token,
      `
        mutation Stale($id: ID!) {
          updateContact(input: { contactId: $id, role: "Chef", expectedVersion: 0 }) {
            contact {
              id
            }
          }
        }
      `,
      { id },
    );

    const after = await scrape();
    expect(value(after, 'rapport_appended_events_total')).toBeGreaterThan(
      value(before, 'rapport_appended_events_total'),
    );
    expect(value(after, 'rapport_append_conflicts_total')).toBe(
      value(before, 'rapport_append_conflicts_total') + 1,
    );
    expect(after).toMatch(
      /rapport_graphql_operation_seconds_count\{operation="AddContact",outcome="ok"\} 1/,
    );
    expect(after).toMatch(
      /rapport_graphql_operation_seconds_count\{operation="Stale",outcome="error"\} 1/,
    );
    expect(after).toMatch(/rapport_projection_lag_events\{projection="student-progress"\} \d+/);
  });

  it('keeps client-chosen operation names from growing the label set without bound', async () => {
    const token = (await newInstitution(t)).adminToken;
    for (let i = 0; i < MAX_OPERATION_LABELS + 5; i++) {
      await graphql(t.app, token, `query Random${i} { health { status } }`);
    }
    const text = await scrape();
    const labels = new Set(
      [...text.matchAll(/rapport_graphql_operation_seconds_count\{operation="(\w+)"/g)].map(
        (m) => m[1],
      ),
    );
    expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2); // + anonymous, other
    expect(labels.has('other')).toBe(true);
  });
});
