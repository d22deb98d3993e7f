/**
 * `node dist/bench/triage.js [--seeds 101,102,...] [--rows N] [--rises normal|own]`: the triage on
 * planted data (tests/planted.ts) for seeds the tests do not use, against the targets of issue 24.
 * Prints one line per seed and the totals: subtle rises first with their span, silences among the
 * top 3, two families both in the top 3, campaigns' adjusted Rand index, AUC of the planted rows
 * against the unchanged normal rows, and the triage's CPU time.
 */
import { type Plant, type PlantedData, adjustedRand, plantedData } from '../tests/planted';
import { type Reason, explainRows } from '../lib/triage/reasons';
import { findCampaigns } from '../lib/triage/campaigns';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const seeds = option('seeds', '101,102,103,104,105,106,107,108,109,110').split(',').map(Number);
const rows = Number(option('rows', '1500'));
const riseLevel = option('rises', 'normal') === 'own' ? 'own' : 'normal';

function overlap(data: PlantedData, r: Reason, p: Plant): number {
  const a = data.starts.indexOf(r.windows.from);
  const b = data.starts.indexOf(r.windows.to);
  const common = Math.max(0, Math.min(b, p.to) - Math.max(a, p.from) + 1);
  return common / (Math.max(b, p.to) - Math.min(a, p.from) + 1);
}

const total = { rises: 0, nRises: 0, silences: 0, nSilences: 0, twos: 0, nTwos: 0, minAri: 1, minAuc: 1 };
console.log(
  `planted data: ${rows} generated rows a seed, rises at ${riseLevel === 'own' ? "3-5x the row's own median" : '1.5-3x the normal p99'}`,
);
console.log(
  'seed | rises first+span | silences top 3 | two families top 3 | campaigns ARI | AUC | line | triage CPU ms',
);
for (const seed of seeds) {
  const data = plantedData({ seed, rows, riseLevel });
  const before = process.cpuUsage();
  const triage = explainRows([data.frame], data.baseline, { calibration: data.normal });
  const campaigns = findCampaigns(triage);
  const cpu = process.cpuUsage(before);
  const by = new Map(triage.explanations.map((e, i) => [e.label, { e, i }]));
  const get = (p: Plant) => by.get(p.label)!.e;
  const kind = (k: Plant['kind']) => data.plants.filter((p) => p.kind === k);
  const rises = kind('rise').filter((p) => {
    const r = get(p).reasons[0];
    return r?.families.includes(p.families[0]) === true && overlap(data, r, p) >= 0.5;
  }).length;
  const silences = kind('silence').filter((p) =>
    get(p)
      .reasons.slice(0, 3)
      .some((r) => r.families.includes(p.families[0]) && r.kind === 'vs-own-history' && r.direction === 'low'),
  ).length;
  const twos = kind('two').filter((p) =>
    p.families.every((f) =>
      get(p)
        .reasons.slice(0, 3)
        .some((r) => r.families.includes(f)),
    ),
  ).length;
  const members = data.plants.filter((p) => p.kind === 'campaign' || p.kind === 'singleton');
  const ari = adjustedRand(
    members.map((p) => p.group),
    members.map((p) => {
      const i = by.get(p.label)!.i;
      return campaigns.groupOf[i] >= 0 ? campaigns.groupOf[i] : 1000 + i;
    }),
  );
  const score = (p: Plant) => (Number.isNaN(get(p).score) ? -Infinity : get(p).score);
  const planted = data.plants.filter((p) => p.kind !== 'null').map(score);
  const nulls = kind('null').map(score);
  let wins = 0;
  for (const a of planted) for (const b of nulls) wins += a > b ? 1 : a === b ? 0.5 : 0;
  const auc = wins / (planted.length * nulls.length);
  total.rises += rises;
  total.nRises += kind('rise').length;
  total.silences += silences;
  total.nSilences += kind('silence').length;
  total.twos += twos;
  total.nTwos += kind('two').length;
  total.minAri = Math.min(total.minAri, ari);
  total.minAuc = Math.min(total.minAuc, auc);
  console.log(
    `${seed} | ${rises}/${kind('rise').length} | ${silences}/${kind('silence').length} | ${twos}/${kind('two').length} | ${ari.toFixed(3)} | ${auc.toFixed(3)} | ${triage.line.toFixed(2)} | ${((cpu.user + cpu.system) / 1000).toFixed(0)}`,
  );
}
console.log(
  `all | ${total.rises}/${total.nRises} | ${total.silences}/${total.nSilences} | ${total.twos}/${total.nTwos} | min ${total.minAri.toFixed(3)} | min ${total.minAuc.toFixed(3)} | |`,
);
