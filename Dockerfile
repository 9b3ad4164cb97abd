# One image for the worker, the API and the schedule setup (the command picks which).
# Node 24 LTS on Debian bookworm (glibc: the lock's linux-x64/arm64 DuckDB, resvg and swc binaries).
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# Plain JavaScript in dist/ for the long-running processes: no TypeScript loader beside each (scripts/build.ts).
RUN node --import tsx scripts/build.ts
# Writable by the unprivileged user: data, models, and the state dir (a generated API key when none is set).
RUN mkdir -p /data /model_store /state && chown node:node /data /model_store /state
ENV DATA_DIR=/data MODEL_STORE_DIR=/model_store STATE_DIR=/state HOST=0.0.0.0 PORT=3000
# Large arrays mmap'd, so memory a finished fit frees goes back to the system (src/processes/malloc.ts).
ENV GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072
USER node
VOLUME ["/data", "/model_store"]
CMD ["node", "dist/worker.js"]
