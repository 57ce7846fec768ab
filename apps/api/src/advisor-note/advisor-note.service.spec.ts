import type { AdvisorNote, AdvisorNotesState } from '@rapport/domain';
import { toAdvisorNote } from './advisor-note.service';

describe('toAdvisorNote', () => {
  const note = {
    noteId: 'n1',
    authorId: 'advisor-1',
    text: 'Call her about the referral',
    addedAt: '2026-10-01T10:00:00.000Z',
    editedAt: '2026-10-02T10:00:00.000Z',
    retracted: false,
  };

  it('answers for a note stored before changes were attributed: its author, role unknown', () => {
    // The aggregate state as an earlier version stored it, until the next rebuild.
    const stored = { notes: new Map([['n1', note as AdvisorNote]]) } as AdvisorNotesState;
    expect(toAdvisorNote('s1', stored, 'n1', 3)).toMatchObject({
      lastChangedBy: { id: 'advisor-1', role: null },
      lastChangedAt: '2026-10-02T10:00:00.000Z',
    });
  });

  it('answers with who last changed it when the state knows', () => {
    const changed = {
      ...note,
      lastChangedBy: { id: 'admin-1', role: 'admin' },
      lastChangedAt: '2026-10-03T10:00:00.000Z',
    } as AdvisorNote;
    const stored = { notes: new Map([['n1', changed]]) } as AdvisorNotesState;
    expect(toAdvisorNote('s1', stored, 'n1', 4)).toMatchObject({
      lastChangedBy: { id: 'admin-1', role: 'admin' },
      lastChangedAt: '2026-10-03T10:00:00.000Z',
    });
  });
});
