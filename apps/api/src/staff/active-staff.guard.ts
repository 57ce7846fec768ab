import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { type RapportRequest, requestFrom } from '../auth/request-context';

/**
 * Global guard after authentication: a deactivated staff member's tokens stop working at once,
 * however long they were issued for. Checked once per request.
 */
@Injectable()
export class ActiveStaffGuard implements CanActivate {
  private readonly checked = new WeakMap<RapportRequest, Promise<void>>();

  constructor(private readonly access: AccessService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestFrom(context);
    if (!request?.actor) return true;
    let check = this.checked.get(request);
    if (!check) {
      check = this.access.assertActiveStaff(request.actor);
      this.checked.set(request, check);
    }
    await check;
    return true;
  }
}
