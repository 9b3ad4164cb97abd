/** JSON schemas shared by the routes; Fastify validates with them and @fastify/swagger publishes them. */

export const segmentationBodySchema = {
  type: 'object',
  required: ['dataset', 'features', 'algorithm'],
  additionalProperties: false,
  properties: {
    dataset: { type: 'string', minLength: 1, description: 'CSV file name inside DATA_DIR' },
    features: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'Numeric columns to cluster on',
    },
    algorithm: { type: 'string', enum: ['kmeans', 'gmm'] },
    kMin: { type: 'integer', minimum: 1, maximum: 200, default: 1 },
    kMax: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
    nInit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    seed: { type: 'integer', minimum: 0, maximum: 2147483647, default: 42 },
    testDataset: { type: 'string', minLength: 1, description: 'Optional CSV of new rows to assign' },
  },
} as const;

export const runAcceptedSchema = {
  type: 'object',
  properties: {
    runId: { type: 'string' },
    pipeline: { type: 'string' },
    statusUrl: { type: 'string' },
    temporalUiUrl: { type: 'string' },
  },
} as const;

export const runStatusSchema = {
  type: 'object',
  properties: {
    runId: { type: 'string' },
    pipeline: { type: 'string' },
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    temporalStatus: { type: 'string' },
    startedAt: { type: 'string' },
    closedAt: { type: ['string', 'null'] },
    progress: {},
    result: {},
    error: {},
    temporalUiUrl: { type: 'string' },
  },
} as const;

export const predictBodySchema = {
  type: 'object',
  required: ['rows'],
  additionalProperties: false,
  properties: {
    rows: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: { type: 'object', additionalProperties: true },
      description: 'Raw rows keyed by column name, as in the training CSV',
    },
  },
} as const;

const datasetFolder = {
  type: 'string',
  minLength: 1,
  default: 'loan',
  description: 'Folder under DATA_DIR holding the four raw CSVs',
} as const;
const snapshotDate = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}(-01)?$',
  description: "Month to score, 'YYYY-MM-01' or 'YYYY-MM'; default: the latest month with loans",
} as const;

export const loanTrainingBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataset: datasetFolder,
    split: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: {
        kind: { type: 'string', enum: ['random', 'out-of-time'] },
        seed: { type: 'integer', minimum: 0 },
        testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        cutoffMonth: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
      },
    },
  },
} as const;

export const loanInferenceBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { dataset: datasetFolder, snapshotDate, modelId: { type: 'string', minLength: 1 } },
} as const;

export const loanMonitoringBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataset: datasetFolder,
    snapshotDate,
    modelId: { type: 'string', minLength: 1 },
    months: { type: 'integer', minimum: 1, maximum: 36, default: 6 },
    retrainOnDegradation: { type: 'boolean', default: true },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minAuc: { type: 'number', minimum: 0, maximum: 1 },
        maxPsi: { type: 'number', minimum: 0 },
        minPrecision: { type: 'number', minimum: 0, maximum: 1 },
        minRecall: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  },
} as const;
