import { fold } from '../shared/decider';
import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { advisorNotesDecider } from './advisor-notes.decider';
import {
  type AdvisorNoteAdded,
  type AdvisorNoteEdited,
  type AdvisorNoteRetracted,
} from './advisor-notes.events';

const spec = deciderSpec(advisorNotesDecider);
const at = '2025-10-02T14:00:00.000Z';
const later = '2025-10-03T09:30:00.000Z';
const target = { studentId: 's-1', noteId: 'n-1', advisorId: 'adv-1', at };
const author = { ...target, role: 'advisor' as const };
const colleague = { ...target, advisorId: 'adv-2', role: 'advisor' as const };
const admin = { ...target, advisorId: 'admin-1', role: 'admin' as const };

const added: AdvisorNoteAdded = {
  type: 'AdvisorNoteAdded',
  data: { ...author, personal: { text: 'Nervous about cold outreach; start with faculty.' } },
};
const retracted: AdvisorNoteRetracted = {
  type: 'AdvisorNoteRetracted',
  data: { ...author, retractedBy: 'author' },
};

describe('advisor notes decider', () => {
  describe('AddAdvisorNote', () => {
    it('adds a note, recording the role its author wrote it in', () => {
      spec
        .given([])
        .when({
          type: 'AddAdvisorNote',
          data: {
            ...author,
            personal: { text: ' Nervous about cold outreach; start with faculty. ' },
          },
        })
        .then([added]);
    });

    it('rejects a reused note id', () => {
      spec
        .given([added])
        .when({ type: 'AddAdvisorNote', data: { ...author, personal: { text: 'Again' } } })
        .thenError(DomainErrorCode.ALREADY_EXISTS, { field: 'noteId' });
    });

    it('rejects an empty note', () => {
      spec
        .given([])
        .when({ type: 'AddAdvisorNote', data: { ...author, personal: { text: '  ' } } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.text' });
    });

    it('refuses anyone but advisors and admins', () => {
      spec
        .given([])
        .when({
          type: 'AddAdvisorNote',
          data: { ...target, role: 'student' as never, personal: { text: 'About me' } },
        })
        .thenError(DomainErrorCode.FORBIDDEN, { message: 'Only advisors and admins' });
    });
  });

  describe('EditAdvisorNote', () => {
    it('given the author edits, then the new text is recorded with who edited it', () => {
      spec
        .given([added])
        .when({
          type: 'EditAdvisorNote',
          data: { ...author, at: later, personal: { text: 'Start with faculty office hours.' } },
        })
        .then([
          {
            type: 'AdvisorNoteEdited',
            data: { ...author, at: later, personal: { text: 'Start with faculty office hours.' } },
          },
        ]);
    });

    it('given another advisor of the student edits, then it is refused', () => {
      spec
        .given([added])
        .when({ type: 'EditAdvisorNote', data: { ...colleague, personal: { text: 'Mine now' } } })
        .thenError(DomainErrorCode.FORBIDDEN, {
          message: 'Only the author of a note may edit it',
        });
    });

    it('given an admin who did not write it edits, then it is refused too', () => {
      spec
        .given([added])
        .when({ type: 'EditAdvisorNote', data: { ...admin, personal: { text: 'Tidied up' } } })
        .thenError(DomainErrorCode.FORBIDDEN);
    });

    it('given an admin wrote it, then that admin edits it', () => {
      const byAdmin: AdvisorNoteAdded = {
        type: 'AdvisorNoteAdded',
        data: { ...admin, personal: { text: 'Met at the fair.' } },
      };
      spec
        .given([byAdmin])
        .when({
          type: 'EditAdvisorNote',
          data: { ...admin, personal: { text: 'Met at the fall fair.' } },
        })
        .then([
          {
            type: 'AdvisorNoteEdited',
            data: { ...admin, personal: { text: 'Met at the fall fair.' } },
          },
        ]);
    });

    it('records nothing when the text is unchanged', () => {
      spec
        .given([added])
        .when({ type: 'EditAdvisorNote', data: { ...author, personal: added.data.personal } })
        .thenNothing();
    });

    it('rejects an unknown note', () => {
      spec
        .given([])
        .when({ type: 'EditAdvisorNote', data: { ...author, personal: { text: 'x' } } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it('rejects editing a retracted note', () => {
      spec
        .given([added, retracted])
        .when({ type: 'EditAdvisorNote', data: { ...author, personal: { text: 'x' } } })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });
  });

  describe('RetractAdvisorNote', () => {
    it('given the author retracts, then it is recorded as withdrawn by its author', () => {
      spec.given([added]).when({ type: 'RetractAdvisorNote', data: author }).then([retracted]);
    });

    it('given another advisor of the student retracts, then it is refused', () => {
      spec
        .given([added])
        .when({ type: 'RetractAdvisorNote', data: colleague })
        .thenError(DomainErrorCode.FORBIDDEN, {
          message: 'Only the author of a note or an admin may retract it',
        });
    });

    it('given an admin retracts a note they did not write, then it is recorded as an admin retraction', () => {
      spec
        .given([added])
        .when({ type: 'RetractAdvisorNote', data: { ...admin, at: later } })
        .then([
          {
            type: 'AdvisorNoteRetracted',
            data: { ...admin, at: later, retractedBy: 'admin' },
          },
        ]);
    });

    it('given an admin retracts their own note, then it is their withdrawal as its author', () => {
      const byAdmin: AdvisorNoteAdded = {
        type: 'AdvisorNoteAdded',
        data: { ...admin, personal: { text: 'Met at the fair.' } },
      };
      spec
        .given([byAdmin])
        .when({ type: 'RetractAdvisorNote', data: admin })
        .then([{ type: 'AdvisorNoteRetracted', data: { ...admin, retractedBy: 'author' } }]);
    });

    it('rejects an unknown note', () => {
      spec
        .given([])
        .when({ type: 'RetractAdvisorNote', data: author })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it('rejects retracting twice', () => {
      spec
        .given([added, retracted])
        .when({ type: 'RetractAdvisorNote', data: author })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });

    it('rejects a malformed time', () => {
      spec
        .given([added])
        .when({ type: 'RetractAdvisorNote', data: { ...author, at: 'yesterday' } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'at' });
    });
  });

  describe('state', () => {
    it('given an edit and then an admin retraction, then lastChangedBy follows each change', () => {
      const edited: AdvisorNoteEdited = {
        type: 'AdvisorNoteEdited',
        data: { ...author, at: later, personal: { text: 'Better now.' } },
      };
      const byAdmin: AdvisorNoteRetracted = {
        type: 'AdvisorNoteRetracted',
        data: { ...admin, at: '2025-10-04T08:00:00.000Z', retractedBy: 'admin' },
      };
      expect(fold(advisorNotesDecider, [added]).notes.get('n-1')).toMatchObject({
        authorId: 'adv-1',
        lastChangedBy: { id: 'adv-1', role: 'advisor' },
        lastChangedAt: at,
      });
      expect(fold(advisorNotesDecider, [added, edited]).notes.get('n-1')).toMatchObject({
        lastChangedBy: { id: 'adv-1', role: 'advisor' },
        lastChangedAt: later,
      });
      expect(fold(advisorNotesDecider, [added, edited, byAdmin]).notes.get('n-1')).toMatchObject({
        authorId: 'adv-1',
        retracted: true,
        lastChangedBy: { id: 'admin-1', role: 'admin' },
        lastChangedAt: '2025-10-04T08:00:00.000Z',
      });
    });

    it('given events recorded before roles were kept, then they still fold, with the role unknown', () => {
      const legacy = [
        { type: 'AdvisorNoteAdded', data: { ...target, personal: { text: 'Old note' } } },
        {
          type: 'AdvisorNoteEdited',
          data: { ...target, advisorId: 'adv-2', at: later, personal: { text: 'Old edit' } },
        },
        { type: 'AdvisorNoteRetracted', data: { ...target, advisorId: 'adv-3', at: later } },
      ] as const;
      const state = fold(advisorNotesDecider, [...legacy]);
      expect(state.notes.get('n-1')).toEqual({
        noteId: 'n-1',
        authorId: 'adv-1',
        text: 'Old edit',
        addedAt: at,
        editedAt: later,
        retracted: true,
        lastChangedBy: { id: 'adv-3', role: null },
        lastChangedAt: later,
      });
    });
  });
});
