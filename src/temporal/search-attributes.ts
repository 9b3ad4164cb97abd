/**
 * The run index's search attributes and the metadata every run starts with (summary, details, memo),
 * defined once. Pure (only `@temporalio/common`): workflows import it to upsert what they learn.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const ML_PIPELINE = defineSearchAttributeKey('MlPipeline', SearchAttributeType.KEYWORD);
export const ML_DATASET = defineSearchAttributeKey('MlDataset', SearchAttributeType.KEYWORD);
export const ML_MODEL_ID = defineSearchAttributeKey('MlModelId', SearchAttributeType.KEYWORD);
export const ML_DECISION = defineSearchAttributeKey('MlDecision', SearchAttributeType.KEYWORD);
export const ML_TEST_AUC = defineSearchAttributeKey('MlTestAuc', SearchAttributeType.DOUBLE);

/** Every custom attribute, as the server registers them (`--search-attribute Name=Type`, the operator API). */
export const ML_SEARCH_ATTRIBUTES = [ML_PIPELINE, ML_DATASET, ML_MODEL_ID, ML_DECISION, ML_TEST_AUC] as const;

/** What a run is, for people: built by each pipeline from its request before the run starts. */
export interface RunDescription {
  /** One line for the UI's run list, e.g. "loan training · loan · out-of-time 2024-07". */
  summary: string;
  dataset: string;
  modelId?: string;
  /** The parameters that matter, shown as the run's details and kept (small) in its memo. */
  parameters: Record<string, string | number | boolean | undefined>;
}

/** Start options shared by the API, the schedules and child runs: summary, details, memo, search attributes. */
export function runStartMetadata(pipeline: string, description: RunDescription) {
  const parameters = Object.fromEntries(
    Object.entries(description.parameters).filter(([, value]) => value !== undefined),
  ) as Record<string, string | number | boolean>;
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: ML_PIPELINE, value: pipeline },
    { key: ML_DATASET, value: description.dataset },
  ];
  if (description.modelId) typedSearchAttributes.push({ key: ML_MODEL_ID, value: description.modelId });
  return {
    staticSummary: description.summary,
    staticDetails: [
      `**${pipeline}** on \`${description.dataset}\``,
      '',
      ...Object.entries(parameters).map(([name, value]) => `- ${name}: \`${String(value)}\``),
    ].join('\n'),
    memo: { summary: description.summary, parameters },
    typedSearchAttributes,
  };
}
