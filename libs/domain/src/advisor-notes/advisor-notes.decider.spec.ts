import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { advisorNotesDecider } from './advisor-notes.decider';
import { type AdvisorNoteAdded, type AdvisorNoteRetracted } from './advisor-notes.events';

const spec = deciderSpec(advisorNotesDecider);
const at = '2025-10-02T14:00:00.000Z';
const target = { studentId: 's-1', noteId: 'n-1', advisorId: 'adv-1', at };

const added: AdvisorNoteAdded = {
  type: 'AdvisorNoteAdded',
  data: { ...target, personal: { text: 'Nervous about cold outreach; start with faculty.' } },
};
const retracted: AdvisorNoteRetracted = { type: 'AdvisorNoteRetracted', data: target };

describe('advisor notes decider', () => {
  describe('AddAdvisorNote', () => {
    it('adds a note', () => {
      spec
        .given([])
        .when({
          type: 'AddAdvisorNote',
          data: {
            ...target,
            personal: { text: ' Nervous about cold outreach; start with faculty. ' },
          },
        })
        .then([added]);
    });

    it('rejects a reused note id', () => {
      spec
        .given([added])
        .when({ type: 'AddAdvisorNote', data: { ...target, personal: { text: 'Again' } } })
        .thenError(DomainErrorCode.ALREADY_EXISTS, { field: 'noteId' });
    });

    it('rejects an empty note', () => {
      spec
        .given([])
        .when({ type: 'AddAdvisorNote', data: { ...target, personal: { text: '  ' } } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.text' });
    });
  });

  describe('EditAdvisorNote', () => {
    it('records the new text and who edited it', () => {
      spec
        .given([added])
        .when({
          type: 'EditAdvisorNote',
          data: {
            ...target,
            advisorId: 'adv-2',
            personal: { text: 'Start with faculty office hours.' },
          },
        })
        .then([
          {
            type: 'AdvisorNoteEdited',
            data: {
              ...target,
              advisorId: 'adv-2',
              personal: { text: 'Start with faculty office hours.' },
            },
          },
        ]);
    });

    it('records nothing when the text is unchanged', () => {
      spec
        .given([added])
        .when({ type: 'EditAdvisorNote', data: { ...target, personal: added.data.personal } })
        .thenNothing();
    });

    it('rejects an unknown note', () => {
      spec
        .given([])
        .when({ type: 'EditAdvisorNote', data: { ...target, personal: { text: 'x' } } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it('rejects editing a retracted note', () => {
      spec
        .given([added, retracted])
        .when({ type: 'EditAdvisorNote', data: { ...target, personal: { text: 'x' } } })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });
  });

  describe('RetractAdvisorNote', () => {
    it('retracts a note', () => {
      spec.given([added]).when({ type: 'RetractAdvisorNote', data: target }).then([retracted]);
    });

    it('rejects an unknown note', () => {
      spec
        .given([])
        .when({ type: 'RetractAdvisorNote', data: target })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it('rejects retracting twice', () => {
      spec
        .given([added, retracted])
        .when({ type: 'RetractAdvisorNote', data: target })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });

    it('rejects a malformed time', () => {
      spec
        .given([added])
        .when({ type: 'RetractAdvisorNote', data: { ...target, at: 'yesterday' } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'at' });
    });
  });
});
