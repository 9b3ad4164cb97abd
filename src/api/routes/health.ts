import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

const Health = Type.Object({
  status: Type.Literal('ok'),
  temporal: Type.Enum(['ok', 'unreachable']),
  namespace: Type.String(),
  taskQueue: Type.String(),
});

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness, and whether the Temporal server answers',
        tags: ['health'],
        response: { 200: Health },
      },
    },
    async () => {
      const { config, client } = app.deps;
      let temporal = 'ok';
      try {
        await client.workflowService.getSystemInfo({});
      } catch {
        temporal = 'unreachable';
      }
      return { status: 'ok', temporal, namespace: config.namespace, taskQueue: config.taskQueue };
    },
  );
};

export default healthRoutes;
