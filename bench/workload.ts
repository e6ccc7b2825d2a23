/**
 * The GitOps repository the synth benchmark stands for: N flows, N key/value entries and N
 * namespace files of realistic size, generated deterministically so every run synthesizes the
 * same documents.
 */

export function flowSource(i: number, withReferences = true): string {
  // Cross-references the synth checks resolve: flow i > 0 calls flow ⌊i/2⌋ (N − 1 calls, a tree
  // log₂ N deep), and every flow reads its K/V entry and its namespace file. Without references
  // (the control), the same text with the Subflow type and the function names altered by one
  // character, so that nothing is a reference and nothing is ordered.
  const x = withReferences ? '' : 'x';
  const call = i === 0 ? '' : `  - id: parent
    type: io.kestra.plugin.core.flow.Subflow${x}
    namespace: company.data.partners
    flowId: extract-partner-${Math.floor(i / 2)}
`;
  return `# Nightly extract for partner ${i}; owned by the data team.
id: extract-partner-${i}
namespace: company.data.partners
description: Pulls partner ${i}'s orders and loads them into the warehouse.
labels:
  team: data
  partner: "p${i}"
inputs:
  - id: day
    type: DATE
    required: false
tasks:
  - id: download
    type: io.kestra.plugin.core.http.Download
    uri: "https://partners.example.com/${i}/orders.csv"
  - id: transform
    type: io.kestra.plugin.scripts.python.Script
    containerImage: python:3.12-slim
    script: |
      import csv, sys
      rows = list(csv.DictReader(open("{{ outputs.download.uri }}")))
      print(len(rows))
  - id: notify
    type: io.kestra.plugin.core.log.Log
    message: "partner ${i} loaded {{ outputs.transform.vars }} from {{ kv${x}('${keyValue(i).key}') }}"
  - id: checksum
    type: io.kestra.plugin.core.log.Log
    message: "{{ read${x}('${namespaceFile(i).filename}') | length }}"
${call}triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "${i % 60} 2 * * *"
`;
}

export function keyValue(i: number): { key: string; value: string | number | boolean | Record<string, unknown> } {
  const kind = i % 4;
  if (kind === 0) return { key: `partner_${i}_endpoint`, value: `https://partners.example.com/${i}` };
  if (kind === 1) return { key: `partner_${i}_batch_size`, value: 500 + i };
  if (kind === 2) return { key: `partner_${i}_enabled`, value: i % 3 !== 0 };
  return { key: `partner_${i}_settings`, value: { region: 'eu-west-1', retries: 3, tags: ['orders', `p${i}`] } };
}

export function namespaceFile(i: number): { filename: string; content: string } {
  const body = Array.from({ length: 40 }, (_, line) => `    rows_${line} = transform(rows, partner=${i}, step=${line})`).join('\n');
  return {
    filename: `scripts/partner_${i}/transform.py`,
    content: `"""Transformation for partner ${i}."""\n\ndef run(rows):\n${body}\n    return rows\n`,
  };
}
