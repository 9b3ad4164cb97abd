/**
 * `GET /runs/:runId/artifacts` and `GET /runs/:runId/artifacts/:name`: the files a completed run produced.
 * Names come from the run's own result through a fixed per-pipeline catalogue (src/artifacts/catalogue.ts);
 * no path is ever taken from the request, and every file must resolve inside DATA_DIR.
 *
 * Runs that have not completed: the list is a 200 with an empty `artifacts` and the run's `status` (a client
 * polling it needs no error handling), while fetching a named artifact is a 409 (the name may exist later,
 * or never for a failed run; it is not "unknown" the way a 404 is).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { open, stat } from 'node:fs/promises';
import Type, { type Static } from 'typebox';
import { artifactCatalogue, type ArtifactEntry } from '../../artifacts/catalogue.js';
import { ARTIFACT_FORMATS, CONTENT_TYPES, exportParquet, type ArtifactFormat } from '../../artifacts/export.js';
import { ArtifactOutsideDataDirError, existingPathInsideDataDir } from '../../artifacts/paths.js';
import { pipelineOfWorkflowType } from '../../pipelines/registry.js';
import { safeFileName } from '../../storage/atomic-file.js';
import { runStateOf, type RunState } from '../../temporal/run-index.js';
import { NotFoundError } from '../errors.js';
import { describeRun } from '../run-lookup.js';
import { ErrorBody, RunParams, RunStateSchema } from '../schemas.js';

const ArtifactParams = Type.Object({
  runId: Type.String(),
  // One plain file name: no separators and no leading dot, so "..", "a/b" (sent as a%2Fb) are a 400.
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'A name from the list' }),
});
const ArtifactQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum([...ARTIFACT_FORMATS], { description: 'Parquet artifacts only: parquet (default), csv or json' }),
    ),
  },
  { additionalProperties: false },
);

const ArtifactItem = Type.Object({
  name: Type.String(),
  contentType: Type.String({ description: 'Of the stored file (Parquet artifacts convert with ?format=)' }),
  size: Type.Integer({ description: 'Bytes of the stored file' }),
  url: Type.String(),
  description: Type.String(),
  formats: Type.Array(Type.Enum([...ARTIFACT_FORMATS]), { description: 'Values ?format= accepts; empty for PNGs' }),
});
const ArtifactList = Type.Object(
  {
    runId: Type.String(),
    pipeline: Type.String(),
    status: RunStateSchema,
    artifacts: Type.Array(ArtifactItem, { description: 'Empty until the run has completed' }),
  },
  { description: "The run's artifacts" },
);
type ArtifactListBody = Static<typeof ArtifactList>;

const Binary = Type.String({ format: 'binary' });
const ArtifactContent = {
  description: 'The artifact, in the content type of its kind and format',
  content: {
    [CONTENT_TYPES.png]: { schema: Binary },
    [CONTENT_TYPES.parquet]: { schema: Binary },
    'text/csv': { schema: Type.String({ description: 'A header row, then one line per row' }) },
    'application/json': { schema: Type.Array(Type.Object({}, { additionalProperties: true })) },
  },
};

const UnknownRunOrArtifact = ErrorBody(
  'No run with this id, no artifact of that name for the run, or its file is gone',
);
const BadArtifactRequest = ErrorBody('A malformed artifact name, or a format that does not apply to the artifact');
const RunNotCompleted = ErrorBody('The run has not completed (running, failed, …): it has no artifacts');

interface RunForArtifacts {
  pipeline: string;
  status: RunState;
  artifacts: ArtifactEntry[];
}

const artifactRoutes: FastifyPluginAsync = async (app) => {
  const { config, client } = app.deps;

  /** The run's pipeline, state and (if completed) catalogue; a 404 naming it if there is no such run. */
  async function runForArtifacts(runId: string): Promise<RunForArtifacts> {
    const handle = client.workflow.getHandle(runId);
    const description = await describeRun(client, runId);
    const status = runStateOf(description.status.name);
    const pipeline = pipelineOfWorkflowType(description.type)?.name ?? description.type;
    if (status !== 'completed') return { pipeline, status, artifacts: [] };
    const result: unknown = await handle.result();
    return { pipeline, status, artifacts: artifactCatalogue(config, { runId, pipeline, result }) };
  }

  /** The entry's file inside DATA_DIR with its size, or undefined when it cannot be produced any more. */
  async function locate(entry: ArtifactEntry): Promise<{ path: string; size: number } | undefined> {
    const recorded = await entry.locate();
    const path = recorded && (await existingPathInsideDataDir(config.dataDir, recorded));
    return path ? { path, size: (await stat(path)).size } : undefined;
  }

  app.get<{ Params: { runId: string } }>(
    '/runs/:runId/artifacts',
    {
      schema: {
        summary: "A run's artifacts (pictures, Parquet tables): name, content type, size and URL",
        tags: ['runs'],
        params: RunParams,
        response: { 200: ArtifactList, 404: UnknownRunOrArtifact },
      },
    },
    async (request): Promise<ArtifactListBody> => {
      const { runId } = request.params;
      const run = await runForArtifacts(runId);
      const artifacts: ArtifactListBody['artifacts'] = [];
      for (const entry of run.artifacts) {
        const found = await locate(entry).catch((err: unknown) => {
          // A result pointing outside DATA_DIR is listed as nothing, and the operator hears about it.
          if (!(err instanceof ArtifactOutsideDataDirError)) throw err;
          request.log.warn({ runId, artifact: entry.name }, err.message);
          return undefined;
        });
        if (!found) continue;
        artifacts.push({
          name: entry.name,
          contentType: CONTENT_TYPES[entry.kind],
          size: found.size,
          url: `/runs/${encodeURIComponent(runId)}/artifacts/${entry.name}`,
          description: entry.description,
          formats: entry.kind === 'parquet' ? [...ARTIFACT_FORMATS] : [],
        });
      }
      return { runId, pipeline: run.pipeline, status: run.status, artifacts };
    },
  );

  app.get<{ Params: { runId: string; name: string }; Querystring: { format?: ArtifactFormat } }>(
    '/runs/:runId/artifacts/:name',
    {
      schema: {
        summary: 'One artifact of a completed run; Parquet tables also as ?format=csv or ?format=json',
        tags: ['runs'],
        params: ArtifactParams,
        querystring: ArtifactQuery,
        response: { 200: ArtifactContent, 400: BadArtifactRequest, 404: UnknownRunOrArtifact, 409: RunNotCompleted },
      },
    },
    async (request, reply) => {
      const { runId, name } = request.params;
      const { format } = request.query;
      const run = await runForArtifacts(runId);
      if (run.status !== 'completed') {
        return reply
          .status(409)
          .send({ error: 'Conflict', message: `Run "${runId}" is ${run.status}: only a completed run has artifacts` });
      }
      const entry = run.artifacts.find((candidate) => candidate.name === name);
      if (!entry) {
        const names = run.artifacts.map((candidate) => candidate.name).join(', ') || 'none';
        throw new NotFoundError(`Run "${runId}" (${run.pipeline}) has no artifact "${name}"; it has: ${names}`);
      }
      if (format !== undefined && entry.kind !== 'parquet') {
        return reply
          .status(400)
          .send({ error: 'Bad Request', message: `format applies to Parquet artifacts; "${name}" is a PNG` });
      }
      let found: { path: string; size: number } | undefined;
      try {
        found = await locate(entry);
      } catch (err) {
        if (!(err instanceof ArtifactOutsideDataDirError)) throw err;
        request.log.warn({ runId, artifact: name }, err.message);
        throw new NotFoundError(`Artifact "${name}" of run "${runId}" is not inside DATA_DIR; refused`);
      }
      if (!found) throw new NotFoundError(`Artifact "${name}" of run "${runId}" is no longer available`);
      return sendArtifact(reply, runId, entry, found, format ?? (entry.kind === 'png' ? undefined : 'parquet'));
    },
  );
};

/** The file as stored (streamed), or a Parquet table converted to CSV or JSON. */
async function sendArtifact(
  reply: FastifyReply,
  runId: string,
  entry: ArtifactEntry,
  file: { path: string; size: number },
  format: ArtifactFormat | undefined,
): Promise<FastifyReply> {
  const stem = entry.name.replace(/\.[^.]+$/, '');
  const download = (extension: string) =>
    reply.header('content-disposition', `attachment; filename="${safeFileName(`${runId}-${stem}`)}.${extension}"`);
  reply.header('x-content-type-options', 'nosniff');
  if (format === 'csv' || format === 'json') {
    const body = await exportParquet(file.path, format);
    return download(format).type(CONTENT_TYPES[format]).send(body);
  }
  if (entry.kind === 'parquet') download('parquet');
  else reply.header('content-disposition', 'inline');
  const handle = await open(file.path);
  return reply.type(CONTENT_TYPES[entry.kind]).header('content-length', file.size).send(handle.createReadStream());
}

export default artifactRoutes;
