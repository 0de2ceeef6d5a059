#!/bin/sh
# Create the next committed migration: the SQL that takes a database from the committed
# migrations to prisma/schema.prisma (Prisma's diff, JavaScript engine, in-memory PGlite
# shadow database; nothing downloaded). Usage: npm run db:new-migration -- <name>
# Never `prisma migrate dev`: it needs a native engine and fails here (see STACK.md).
set -eu
name="${1:?usage: npm run db:new-migration -- <name>}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
DATABASE_URL= sh scripts/prisma.sh migrate diff \
  --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma --script >"$out"
if ! grep -v '^--' "$out" | grep -q '[^[:space:]]'; then
  echo "no schema change: nothing to migrate"
  exit 0
fi
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
cp "$out" "$dir/migration.sql"
echo "wrote $dir/migration.sql"
