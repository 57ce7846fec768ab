import type {
  CohortDashboard,
  FollowUpItem,
  ProgressSummary,
  ReferralForest,
  ReferralNode,
  TimelineEntry,
} from '@rapport/domain';
import type {
  CohortDashboardView,
  FollowUp,
  LabeledCount,
  ReferralNetworkView,
  ReferralNodeView,
  StudentProgressView,
  TimelineEntryView,
} from './dto/progress.model';

const date = (instant: string) => new Date(instant);
const counts = (record: Record<string, number>): LabeledCount[] =>
  Object.entries(record).map(([key, count]) => ({ key, count }));

export function toProgressView(summary: ProgressSummary): StudentProgressView {
  return {
    ...summary,
    asOf: date(summary.asOf),
    lastActivityAt: summary.lastActivityAt ? date(summary.lastActivityAt) : null,
    contacts: { ...summary.contacts, byRelationship: counts(summary.contacts.byRelationship) },
    touchpoints: { total: summary.touchpoints.total, byKind: counts(summary.touchpoints.byKind) },
  };
}

export function toFollowUp(item: FollowUpItem): FollowUp {
  return {
    kind: item.kind,
    openedAt: date(item.openedAt),
    dueAt: date(item.dueAt),
    overdue: item.overdue,
    interviewId: item.interviewId ?? null,
    contactId: item.contactId ?? null,
    remaining: item.remaining ?? null,
  };
}

export function toDashboardView(dashboard: CohortDashboard): CohortDashboardView {
  return {
    ...dashboard,
    asOf: date(dashboard.asOf),
    weeklyActivity: dashboard.weeklyActivity.map((w) => ({
      week: w.week,
      weekStart: w.weekStart,
      counts: counts(w.counts),
    })),
  };
}

/** The forest flattened depth-first, each node after its parent, children linked by parent id. */
export function toNetworkView(forest: ReferralForest): ReferralNetworkView {
  const nodes: ReferralNodeView[] = [];
  const visit = (node: ReferralNode, parent: string | null) => {
    const { children, ...rest } = node;
    nodes.push({ ...rest, parentContactId: parent, referrals: children.length });
    for (const child of children) visit(child, node.contactId);
  };
  for (const root of forest.roots) visit(root, null);
  return { nodes, maxDepth: forest.maxDepth, maxBranching: forest.maxBranching };
}

export function toTimelineView(entry: TimelineEntry): TimelineEntryView {
  return { at: date(entry.at), kind: entry.kind, title: entry.title, detail: entry.detail ?? null };
}
