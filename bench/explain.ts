import type pg from 'pg';

interface PlanNode {
  'Node Type': string;
  'Actual Total Time'?: number;
  'Actual Loops'?: number;
  'Actual Rows'?: number;
  'Relation Name'?: string;
  'Index Name'?: string;
  'CTE Name'?: string;
  'Subplan Name'?: string;
  'Parent Relationship'?: string;
  'Strategy'?: string;
  'Temp Read Blocks'?: number;
  'Temp Written Blocks'?: number;
  Plans?: PlanNode[];
}

export interface NodeCost {
  /** Node type with its relation, index or CTE; the nodes of a plan that are alike are summed. */
  node: string;
  /** How many nodes of the plan this is. */
  count: number;
  /** Time spent in the nodes themselves, children excluded (ms). */
  selfMs: number;
  rows: number;
}

export interface StatementPlan {
  executionMs: number;
  planningMs: number;
  jitMs: number;
  /** Temporary file traffic (a materialised CTE or sort that did not fit work_mem), MB. */
  tempReadMB: number;
  tempWrittenMB: number;
  /** Nodes by own time, largest first. */
  nodes: NodeCost[];
  text: string;
}

const aggregates: Record<string, string> = { Plain: 'Aggregate', Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' };

function describe(node: PlanNode): string {
  const parts = [node['Node Type'] === 'Aggregate' ? (aggregates[node.Strategy ?? 'Plain'] ?? 'Aggregate') : node['Node Type']];
  if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
  if (node['Relation Name']) parts.push(`on ${node['Relation Name']}`);
  if (node['CTE Name']) parts.push(`on CTE ${node['CTE Name']}`);
  return parts.join(' ');
}

const total = (node: PlanNode) => (node['Actual Total Time'] ?? 0) * (node['Actual Loops'] ?? 1);

/**
 * Own time per node: its total minus its children's. An InitPlan (a materialised CTE) runs on behalf of whoever
 * reads it first, so its time is kept out of its parent and, for CTE scans, out of the scan that pulled it.
 */
function ownTimes(root: PlanNode): NodeCost[] {
  const cteTimes = new Map<string, number>();
  const visitCtes = (node: PlanNode) => {
    if (node['Parent Relationship'] === 'InitPlan' && node['Subplan Name']?.startsWith('CTE ')) cteTimes.set(node['Subplan Name'].slice(4), total(node));
    node.Plans?.forEach(visitCtes);
  };
  visitCtes(root);
  const costs = new Map<string, NodeCost>();
  const pulled = new Set<string>();
  const visit = (node: PlanNode) => {
    const children = (node.Plans ?? []).filter((child) => child['Parent Relationship'] !== 'InitPlan');
    let own = total(node) - children.reduce((sum, child) => sum + total(child), 0);
    const cte = node['CTE Name'];
    if (node['Node Type'] === 'CTE Scan' && cte !== undefined && !pulled.has(cte)) {
      // The first scan of a CTE (the one that took longest) pays for computing it.
      pulled.add(cte);
      own -= cteTimes.get(cte) ?? 0;
    }
    const name = describe(node);
    const alike = costs.get(name) ?? { node: name, count: 0, selfMs: 0, rows: 0 };
    alike.count++;
    alike.selfMs += Math.max(0, own);
    alike.rows += (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
    costs.set(name, alike);
    node.Plans?.forEach(visit);
  };
  visit(root);
  return [...costs.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/** EXPLAIN (ANALYZE, BUFFERS) of one statement, run twice so the second sees warm caches; JSON for the numbers, text for the reader. */
export async function explainAnalyze(client: pg.PoolClient | pg.Client, sql: string, params: unknown[]): Promise<StatementPlan> {
  await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const json = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number; JIT?: { Timing?: { Total?: number } } }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
    params,
  );
  const text = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const plan = json.rows[0]?.['QUERY PLAN'][0];
  if (plan === undefined) throw new Error('EXPLAIN returned no plan');
  return {
    executionMs: plan['Execution Time'],
    planningMs: plan['Planning Time'],
    jitMs: plan.JIT?.Timing?.Total ?? 0,
    tempReadMB: ((plan.Plan['Temp Read Blocks'] ?? 0) * 8) / 1024,
    tempWrittenMB: ((plan.Plan['Temp Written Blocks'] ?? 0) * 8) / 1024,
    nodes: ownTimes(plan.Plan),
    text: text.rows.map((row) => row['QUERY PLAN']).join('\n'),
  };
}
