# One image for the worker, the API and the schedule setup (the command picks which).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
ENV DATA_DIR=/data MODEL_STORE_DIR=/model_store HOST=0.0.0.0 PORT=3000
VOLUME ["/data", "/model_store"]
CMD ["npx", "tsx", "src/worker.ts"]
