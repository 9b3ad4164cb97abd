// moved to random.ts; kept for importers outside src/ml
export { mulberry32 } from './random.js';
export type { UniformRng as Rng } from './random.js';
export { randomInt } from './random.js';
export { shuffleInPlace } from './random.js';
