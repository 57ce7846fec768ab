import { day, events, progressOf } from './read-models.fixtures';
import { referralNetwork, sharedProfessionals } from './referral-network';

const e = events();

describe('referralNetwork', () => {
  it('given a chain of referrals, then the forest has depth and branching', () => {
    const state = progressOf([
      e.contact('k-1', day(1), { relationship: 'faculty', industry: 'Tech' }),
      e.contact('k-9', day(1)),
      e.held('i-1', 'k-1', day(2)),
      e.referrals('i-1', 'k-1', day(2), [{ contactId: 'k-2' }, { contactId: 'k-3' }]),
      e.contact('k-2', day(2), { relationship: 'referral', referredByContactId: 'k-1' }),
      // k-3's ContactAdded is not folded in yet: the interview still places it under k-1.
      e.held('i-2', 'k-2', day(5)),
      e.referrals('i-2', 'k-2', day(5), [{ contactId: 'k-4' }]),
      e.contact('k-4', day(5), { relationship: 'referral', referredByContactId: 'k-2' }),
    ]);
    const forest = referralNetwork(state);
    expect(forest).toMatchObject({ studentId: 's-1', nodes: 5, maxDepth: 2, maxBranching: 2 });
    expect(forest.roots.map((r) => r.contactId)).toEqual(['k-1', 'k-9']);
    const [k1] = forest.roots;
    expect(k1).toMatchObject({ depth: 0, interviewed: true, producedReferrals: true });
    expect(k1.children.map((n) => [n.contactId, n.depth, n.producedReferrals])).toEqual([
      ['k-2', 1, true],
      ['k-3', 1, false],
    ]);
    expect(k1.children[0].children[0]).toMatchObject({ contactId: 'k-4', depth: 2, children: [] });
  });

  it('given no contacts, then the forest is empty', () => {
    expect(referralNetwork(progressOf([]))).toEqual({
      studentId: 's-1',
      roots: [],
      nodes: 0,
      maxDepth: 0,
      maxBranching: 0,
    });
  });
});

describe('sharedProfessionals', () => {
  const student = (id: string, org: string | null, role: string | null, contacted = true) => {
    const s = events(id);
    return progressOf(
      [
        s.contact('k-1', day(1), { organization: org, role }),
        ...(contacted ? [s.requested('i-1', 'k-1', day(2))] : []),
      ],
      id,
    );
  };

  it('given students who contacted the same role at one organization, then they are grouped', () => {
    const groups = sharedProfessionals([
      student('s-1', 'Acme, Inc.', 'Data Scientist'),
      student('s-2', 'acme', 'data  scientist'),
      student('s-3', 'Acme', 'Designer'),
      student('s-4', 'Acme', 'Data Scientist', false),
      student('s-5', null, 'Data Scientist'),
    ]);
    expect(groups).toEqual([
      {
        key: 'acme|data scientist',
        organization: 'acme',
        role: 'data scientist',
        studentIds: ['s-1', 's-2'],
        contacts: [
          { studentId: 's-1', contactId: 'k-1' },
          { studentId: 's-2', contactId: 'k-1' },
        ],
      },
    ]);
  });
});
