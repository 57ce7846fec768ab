import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ProjectionRunner, Tenants } from '@rapport/event-store';
import { isoWeekOf } from '@rapport/notifications';
import { parseArgs } from 'node:util';
import { DigestDelivery } from '../digest/digest-delivery.service';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { CliModule } from './cli.module';
import { runCli } from './cli.util';

const usage = 'usage: npm run digest -- --tenant <slug> [--dry-run] [--week 2026-W48]';

// Runs one institution's digest now, whatever its slot. Re-running it sends nobody a second
// digest for the same week: the (tenant, recipient, week) key holds.
runCli(async () => {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      week: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  if (!values.tenant) throw new Error(usage);
  if (values.week && !/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(values.week))
    throw new Error(`--week must look like 2026-W48; ${usage}`);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error', 'warn'],
  });
  try {
    const tenant = await app.get(Tenants).findBySlug(values.tenant);
    if (!tenant) throw new Error(`no institution with slug "${values.tenant}"`);
    // Digests read the progress read model: bring it up to date when no API is feeding it.
    await app.get(ProjectionRunner).catchUpAll();
    const scheduler = app.get(DigestScheduler);
    const institution = await scheduler.institution(tenant.tenantId);
    if (!institution) throw new Error(`${values.tenant} has no registered institution`);
    const now = new Date();
    const week = values.week ?? isoWeekOf(now, institution.timeZone);
    if (values['dry-run']) {
      const planned = await scheduler.plan(tenant.tenantId, week, now);
      // Ids and counts only: addresses, names and subjects stay out of terminals and their logs.
      for (const digest of planned)
        console.log(
          `${digest.recipientKind} ${digest.recipientId}: ${digest.itemCount} items (message ${digest.messageId})`,
        );
      console.log(
        `dry run: ${planned.length} digests would be sent for ${week}; nothing was recorded`,
      );
      return;
    }
    const scheduled = await scheduler.runWeek(tenant.tenantId, week, now);
    const report = await app.get(DigestDelivery).deliverDue();
    console.log(
      `${week}: ${scheduled} digests scheduled; sent ${report.sent}, retrying ${report.retried}, dead ${report.dead}`,
    );
  } finally {
    await app.close();
  }
});
