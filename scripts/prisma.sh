#!/bin/sh
# Run the Prisma CLI offline (Prisma 6.19, JavaScript engines; see STACK.md): placeholder
# native-engine paths so it downloads nothing, and, with no DATABASE_URL, a placeholder URL
# for the schema's datasource while prisma.config.ts connects to the embedded PGlite.
# Usage: sh scripts/prisma.sh <prisma args>   e.g. sh scripts/prisma.sh migrate status
set -eu
export PRISMA_SCHEMA_ENGINE_BINARY=package.json PRISMA_QUERY_ENGINE_LIBRARY=package.json
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgresql://embedded-pglite.invalid/pglite" ICE_PRISMA_PGLITE=1
fi
exec npx prisma "$@"
