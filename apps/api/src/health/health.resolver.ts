import { Query, Resolver } from '@nestjs/graphql';
import { Health } from './health.model';
import { HealthService } from './health.service';

@Resolver(() => Health)
export class HealthResolver {
  constructor(private readonly service: HealthService) {}

  @Query(() => Health, { description: 'Database mode and projection lag; needs no token' })
  health(): Promise<Health> {
    return this.service.health();
  }
}
