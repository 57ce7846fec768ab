/**
 * The one erasure call the retention job needs (the erasure service provides it, docs/adr/0025):
 * erasing someone already erased answers 'already' and records nothing.
 */
export interface StudentEraser {
  eraseStudentAsSystem(
    tenantId: string,
    studentId: string,
    reason: 'retention',
    now: Date,
  ): Promise<'erased' | 'already'>;
}

export const STUDENT_ERASER = Symbol('STUDENT_ERASER');
