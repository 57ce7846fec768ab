export type Role = 'admin' | 'advisor' | 'student';
export const ROLES: readonly Role[] = ['admin', 'advisor', 'student'];

/** Who is calling, from a verified token. An advisor's id is their subject. */
export interface Actor {
  subject: string;
  tenantId: string;
  role: Role;
  /** Set for students: the student record they are. */
  studentId?: string;
}
