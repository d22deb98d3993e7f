/**
 * The triage on planted data (tests/planted.ts): normal rows of our generator, some changed in
 * known ways, explained against the rest. Each case is one kind of behaviour an analyst must be
 * told about; each must fail when the ingredient it relies on is switched off (duration: the rises'
 * spans; own history: the silences; family merging: the packets reason and the campaigns; the
 * singleton rule: the campaigns).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Plant, type PlantedData, plantedData } from './planted';
import { type Reason, type Triage, explainRows } from '../lib/triage/reasons';
import { findCampaigns } from '../lib/triage/campaigns';
import { adjustedRand } from './planted';

const SEEDS = [1, 2];
const made = new Map<number, { data: PlantedData; triage: Triage }>();
function planted(seed: number): { data: PlantedData; triage: Triage } {
  let entry = made.get(seed);
  if (!entry) {
    const data = plantedData({ seed, rows: 1200 });
    entry = { data, triage: explainRows([data.frame], data.baseline, { calibration: data.normal }) };
    made.set(seed, entry);
  }
  return entry;
}

/** Share of the planted windows and the reason's span that they have in common (1: the same span). */
function spanOverlap(data: PlantedData, reason: Reason, plant: Plant): number {
  const from = data.starts.indexOf(reason.windows.from);
  const to = data.starts.indexOf(reason.windows.to);
  const common = Math.max(0, Math.min(to, plant.to) - Math.max(from, plant.from) + 1);
  return common / (Math.max(to, plant.to) - Math.min(from, plant.from) + 1);
}

function explanation(triage: Triage, label: string) {
  const e = triage.explanations.find((x) => x.label === label);
  assert.ok(e, `no explanation for ${label}`);
  return e;
}

for (const seed of SEEDS) {
  test(`seed ${seed}: a subtle rise over 4-12 windows is the first reason, with its span`, () => {
    const { data, triage } = planted(seed);
    const rises = data.plants.filter((p) => p.kind === 'rise');
    const found = rises.filter((p) => {
      const first = explanation(triage, p.label).reasons[0];
      return first?.families.includes(p.families[0]) === true && spanOverlap(data, first, p) >= 0.5;
    });
    assert.ok(found.length >= 10, `${found.length} of ${rises.length} rises first with their span`);
  });

  test(`seed ${seed}: a family silent for an hour is among the first three reasons, against the IP's own history`, () => {
    const { data, triage } = planted(seed);
    const silences = data.plants.filter((p) => p.kind === 'silence');
    const found = silences.filter((p) =>
      explanation(triage, p.label)
        .reasons.slice(0, 3)
        .some(
          (r) =>
            r.families.includes(p.families[0]) &&
            r.kind === 'vs-own-history' &&
            r.direction === 'low' &&
            spanOverlap(data, r, p) >= 0.25,
        ),
    );
    assert.ok(found.length >= 7, `${found.length} of ${silences.length} silences in the top 3`);
  });

  test(`seed ${seed}: two families raised together are both among the first three reasons`, () => {
    const { data, triage } = planted(seed);
    const twos = data.plants.filter((p) => p.kind === 'two');
    const found = twos.filter((p) => {
      const top = explanation(triage, p.label).reasons.slice(0, 3);
      return p.families.every((f) => top.some((r) => r.families.includes(f)));
    });
    assert.ok(found.length >= 7, `${found.length} of ${twos.length} with both families in the top 3`);
  });

  test(`seed ${seed}: campaigns group the IPs planted alike, leave singletons alone, and name the packets once`, () => {
    const { data, triage } = planted(seed);
    const campaigns = findCampaigns(triage);
    const row = new Map(triage.explanations.map((e, i) => [e.label, i]));
    const members = data.plants.filter((p) => p.kind === 'campaign' || p.kind === 'singleton');
    const truth = members.map((p) => p.group);
    const found = members.map((p) => {
      const g = campaigns.groupOf[row.get(p.label)!];
      return g >= 0 ? g : 1000 + row.get(p.label)!;
    });
    const ari = adjustedRand(truth, found);
    assert.ok(ari >= 0.9, `adjusted Rand ${ari.toFixed(3)}`);
    const names = campaigns.groups.map((g) => g.name);
    assert.equal(new Set(names).size, names.length, `names not unique: ${names.join(' | ')}`);
    // Every planted campaign's group says "packets" (the ten equal counts as one) and its other family.
    for (const c of [0, 1, 2]) {
      const plant = data.plants.find((p) => p.kind === 'campaign' && p.group === c)!;
      const g = campaigns.groupOf[row.get(plant.label)!];
      assert.ok(g >= 0, `campaign ${c} not found`);
      assert.match(campaigns.groups[g].name, /\bpackets\b/);
      assert.ok(campaigns.groups[g].name.includes(plant.families[1]), campaigns.groups[g].name);
    }
    // The packets reason stands for every equal count family, found from the data.
    const first = explanation(triage, data.plants.find((p) => p.kind === 'campaign')!.label).reasons;
    const packets = first.find((r) => r.name === 'packets');
    assert.ok(packets && packets.families.length === 10, JSON.stringify(first.map((r) => r.families)));
  });

  test(`seed ${seed}: unchanged normal rows rank below the planted ones and are not explained`, () => {
    const { data, triage } = planted(seed);
    const score = (p: Plant) => explanation(triage, p.label).score || -Infinity;
    const plantedScores = data.plants.filter((p) => p.kind !== 'null').map(score);
    const nulls = data.plants.filter((p) => p.kind === 'null');
    let wins = 0;
    for (const a of plantedScores) for (const b of nulls.map(score)) wins += a > b ? 1 : a === b ? 0.5 : 0;
    const auc = wins / (plantedScores.length * nulls.length);
    assert.ok(auc >= 0.98, `AUC ${auc.toFixed(3)}`);
    const explainedNulls = nulls.filter((p) => explanation(triage, p.label).explained).length;
    assert.ok(explainedNulls <= 2, `${explainedNulls} of ${nulls.length} unchanged rows explained`);
  });
}
