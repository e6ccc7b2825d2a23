import { FlowReferenceReport, ReferenceReport, Resolution } from './reference-analysis';

const MARK: Record<Resolution, string> = {
  app: '',
  written: ' (written by a kv.Set task)',
  external: ' (external)',
  optional: ' (optional, missing)',
  unchecked: ' (not checked: no Secret keys declared)',
  missing: ' — UNRESOLVED',
};

/**
 * The report as text (one block per flow: what it calls, is triggered by and reads, each
 * marked when it does not resolve to an object of the app, then the errors and warnings) or as
 * JSON (the {@link ReferenceReport} itself, stable for scripts).
 */
export function formatReferenceReport(report: ReferenceReport, format: 'text' | 'json' = 'text'): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  const lines: string[] = [];
  for (const flow of report.flows) lines.push(...flowLines(flow), '');
  const unresolved = report.flows.reduce((sum, flow) => sum + countUnresolved(flow), 0);
  lines.push(`${report.flows.length} flow(s), ${unresolved} unresolved reference(s), ${report.cycles.length} cycle(s)`);
  for (const error of report.errors) lines.push(`error: ${error}`);
  for (const warning of report.warnings) lines.push(`${report.strict ? 'error' : 'warning'}: ${warning}`);
  return lines.join('\n') + '\n';
}

function flowLines(flow: FlowReferenceReport): string[] {
  const lines = [`${flow.tenant ? `${flow.tenant}/` : ''}${flow.namespace}.${flow.flowId}  [${flow.origin}]`];
  const section = (title: string, items: string[]) => {
    if (items.length > 0) lines.push(`  ${title}:`, ...items.map((item) => `    ${item}`));
  };
  section('calls', flow.calls.map((c) => `${c.namespace}.${c.flowId} from task ${c.task}${MARK[c.resolved]}`));
  section('triggered by', flow.triggeredBy.map((t) => `${t.namespace}.${t.flowId ?? '*'} (trigger ${t.trigger})${MARK[t.resolved]}`));
  section('reads K/V', flow.keyValues.map((k) => `${k.key}${k.namespace !== undefined ? ` in ${k.namespace}` : ''}` +
    `${k.foundIn !== undefined ? ` → ${k.foundIn}` : ''}${MARK[k.resolved]}`));
  section('uses namespace files', flow.namespaceFiles.map((f) => `${f.via === 'read' ? f.path : `include ${f.path}`} in ${f.namespaces.join(', ')}${MARK[f.resolved]}`));
  section('reads secrets', flow.secrets.map((s) => `${s.name}${MARK[s.resolved]}`));
  section('dynamic (not checked)', flow.dynamic.map((d) => `${d.kind} at ${d.path}: ${d.expression}`));
  return lines;
}

function countUnresolved(flow: FlowReferenceReport): number {
  return [flow.calls, flow.triggeredBy, flow.keyValues, flow.namespaceFiles, flow.secrets]
    .reduce((sum, list: ReadonlyArray<{ resolved: Resolution }>) => sum + list.filter((r) => r.resolved === 'missing').length, 0);
}
