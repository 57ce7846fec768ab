import { Query, Resolver } from '@nestjs/graphql';
import { Public } from '../auth/public.decorator';
import { Health } from './health.model';
import { HealthService } from './health.service';

@Resolver(() => Health)
export class HealthResolver {
  constructor(private readonly service: HealthService) {}

  @Public()
  @Query(() => Health, { description: 'Database mode and projection lag; needs no token' })
  health(): Promise<Health> {
    return this.service.health();
  }
}
