"""Dockerfile examples copied from course module 1.1 (sections 3, 4 and 6), as test fixtures.

Text is verbatim from the course. Where the course shows a fragment without a FROM line, the
constant adds one (the line above a `# added for the test` comment) so that the fragment
parses on its own.
"""

SECTION_3_BASIC_STRUCTURE = """\
# Dockerfile for Node.js API

# 1. Base Image - Start from an official image
FROM node:18-alpine

# 2. Metadata
LABEL maintainer="franck@example.com"
LABEL version="1.0"
LABEL description="Production-ready Node.js API"

# 3. Working Directory
WORKDIR /app

# 4. Copy dependency files first (for layer caching)
COPY package*.json ./

# 5. Install dependencies
RUN npm ci --only=production

# 6. Copy application code
COPY . .

# 7. Expose port (documentation only)
EXPOSE 3000

# 8. Non-root user for security
RUN addgroup -g 1001 -S nodejs && \\
    adduser -S nodejs -u 1001
USER nodejs

# 9. Health check
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\
  CMD node healthcheck.js

# 10. Start command
CMD ["node", "server.js"]
"""

SECTION_3_TAG_BAD = """\
# ❌ Bad - Uses latest, unpredictable
FROM node:latest
"""

SECTION_3_TAG_GOOD = """\
# ✅ Good - Specific version
FROM node:18.17.1-alpine3.18
"""

SECTION_3_TAG_BETTER = """\
# ✅ Better - Use digest for immutability
FROM node:18.17.1-alpine3.18@sha256:abc123...
"""

SECTION_3_LAYERS_BAD = """\
FROM ubuntu:22.04
# added for the test
# ❌ Bad - Multiple RUN commands create multiple layers
RUN apt-get update
RUN apt-get install -y curl
RUN apt-get install -y git
RUN apt-get clean
"""

SECTION_3_LAYERS_GOOD = """\
FROM ubuntu:22.04
# added for the test
# ✅ Good - Chain commands in single RUN
RUN apt-get update && \\
    apt-get install -y --no-install-recommends \\
        curl \\
        git && \\
    apt-get clean && \\
    rm -rf /var/lib/apt/lists/*
"""

SECTION_3_BUILD_CACHE = """\
FROM node:18-alpine
# added for the test
# ✅ Copy dependency files first, then install
# This allows Docker to cache the dependency layer
COPY package*.json ./
RUN npm ci --only=production

# Copy source code last (changes frequently)
COPY . .
"""

SECTION_3_DOCKERIGNORE = """\
# .dockerignore
node_modules
npm-debug.log
.git
.gitignore
README.md
.env
.DS_Store
coverage/
.vscode/
*.test.js
"""

SECTION_3_NON_ROOT = """\
FROM node:18-alpine
# added for the test
# Create user and group
RUN addgroup -g 1001 -S appgroup && \\
    adduser -S appuser -u 1001 -G appgroup

# Change ownership of app files
RUN chown -R appuser:appgroup /app

# Switch to non-root user
USER appuser
"""

SECTION_4_MULTI_STAGE = """\
# ============================================
# Stage 1: Build Stage
# ============================================
FROM node:18-alpine AS builder

WORKDIR /app

# Copy dependency files
COPY package*.json ./

# Install ALL dependencies (including devDependencies)
RUN npm ci

# Copy source code
COPY . .

# Run tests
RUN npm run test

# Build application (TypeScript, bundling, etc.)
RUN npm run build

# ============================================
# Stage 2: Production Stage
# ============================================
FROM node:18-alpine AS production

WORKDIR /app

# Copy package files
COPY package*.json ./

# Install ONLY production dependencies
RUN npm ci --only=production && \\
    npm cache clean --force

# Copy built artifacts from builder stage
COPY --from=builder /app/dist ./dist

# Security: Create non-root user
RUN addgroup -g 1001 -S nodejs && \\
    adduser -S nodejs -u 1001 && \\
    chown -R nodejs:nodejs /app

USER nodejs

# Expose port
EXPOSE 3000

# Health check
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\
  CMD node dist/healthcheck.js

# Start application
CMD ["node", "dist/server.js"]
"""

SECTION_4_MULTIPLE_TARGETS = """\
# Development stage
FROM node:18-alpine AS development
WORKDIR /app
COPY package*.json ./
RUN npm install  # All dependencies including dev
COPY . .
CMD ["npm", "run", "dev"]

# Test stage
FROM development AS test
RUN npm run test
RUN npm run lint

# Build stage
FROM development AS builder
RUN npm run build

# Production stage
FROM node:18-alpine AS production
WORKDIR /app
COPY package*.json ./
RUN npm ci --only=production
COPY --from=builder /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
"""

SECTION_6_BASE_AVOID = """\
# ❌ Avoid - Large, many vulnerabilities
FROM ubuntu:latest
"""

SECTION_6_BASE_BETTER = """\
# ✅ Better - Minimal attack surface
FROM node:18-alpine
"""

SECTION_6_BASE_BEST = """\
# ✅ Best - Distroless (no shell, no package manager)
FROM gcr.io/distroless/nodejs18-debian11
"""

SECTION_6_ROOT_BAD = """\
# ❌ Bad - Runs as root (default)
FROM node:18-alpine
COPY . /app
CMD ["node", "server.js"]
"""

SECTION_6_ROOT_GOOD = """\
# ✅ Good - Runs as non-root user
FROM node:18-alpine
RUN addgroup -g 1001 nodejs && \\
    adduser -S -u 1001 -G nodejs nodejs
WORKDIR /app
COPY --chown=nodejs:nodejs . .
USER nodejs
CMD ["node", "server.js"]
"""

SECTION_6_READ_ONLY = """\
# In Dockerfile
FROM node:18-alpine
# ... app setup ...
USER nodejs

# Mark rootfs as read-only
# Use volumes for writable directories
VOLUME ["/app/logs", "/app/uploads"]
"""

SECTION_6_SECRETS_NEVER = """\
FROM node:18-alpine
# added for the test
# ❌ NEVER DO THIS
ENV DATABASE_PASSWORD=mysecretpassword
COPY .env /app/.env
"""
