/** The loan generator's seeded streams: one mulberry32 stream per (section, customer). */
import { mulberry32, type UniformRng } from '../../ml/random.js';

/** Sections of the seed space: each part of the data draws from its own. */
export const STREAM = {
  ids: 1,
  profile: 2,
  hidden: 3,
  outcome: 4,
  attributes: 5,
  financials: 6,
  clickstream: 7,
  lms: 8,
} as const;

/** Mixes a base seed with a stream index into an independent-looking 32-bit seed. */
function seedFor(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One stream per (section, customer): changing a section, or drifting some customers, never
 * reshuffles anyone else's values, so the drifted and undrifted data share the undrifted rows.
 */
export function streamFor(seed: number, section: number, customer = 0): UniformRng {
  return mulberry32(seedFor(seedFor(seed, section), customer));
}
