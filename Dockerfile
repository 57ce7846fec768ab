FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build api

# Production by default: the API then needs DATABASE_URL (or EMBEDDED_IN_PRODUCTION=yes), and
# JWT_JWKS_URL with JWT_ISSUER and JWT_AUDIENCE (or a JWT_SECRET of 32+ bytes), DATA_KEY_SECRET
# or DATA_KEY_SECRET_FILE (32+ bytes; docs/adr/0024: back it up apart from the database), and never
# seeds demo data. docker-compose.yml runs it in development mode with generated secrets.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts ./scripts
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
