#!/usr/bin/env bash
# Builds the two container images the suite and the backend image need, from Debian packages only, for
# machines whose Docker engine cannot pull from any image registry (but that reach a Debian mirror and the
# npm registry):
#
#   journal/node:local      Debian + nodejs (>= 20.19) + npm: the base of the backend image
#                           (docker build --build-arg NODE_IMAGE=journal/node:local .)
#   journal/postgres:local  Debian + PostgreSQL 17 with an entrypoint compatible with the official image as
#                           far as @testcontainers/postgresql uses it (POSTGRES_USER / _PASSWORD / _DB,
#                           /usr/local/bin/docker-entrypoint.sh, pg_isready health check, port 5432)
#
# Each image is a root filesystem made by debootstrap and turned into an image by `docker import`: no
# FROM, so nothing is pulled. Ryuk (testcontainers' reaper, itself an image from a registry) cannot be
# pulled either, so the suite runs with TESTCONTAINERS_RYUK_DISABLED=true and stops its containers itself.
#
# Usage (as root; needs debootstrap and a running Docker engine):
#   apt-get update && apt-get install -y debootstrap docker.io
#   # A hand-started engine that publishes ports on loopback only (the default would be 0.0.0.0):
#   dockerd --ip=127.0.0.1 > /var/log/dockerd.log 2>&1 & echo $! > /run/journal-dockerd.pid
#   scripts/build-images-offline.sh
#   export JOURNAL_POSTGRES_IMAGE=journal/postgres:local JOURNAL_NODE_IMAGE=journal/node:local
#   export TESTCONTAINERS_RYUK_DISABLED=true
#   JOURNAL_STACK=containers npm test   # builds journal/backend:suite on JOURNAL_NODE_IMAGE first
#   kill "$(cat /run/journal-dockerd.pid)"   # stops the engine started above (README "Air-gapped")
#
# Environment:
#   DEBIAN_SUITE   default trixie (bookworm's nodejs is 18, below the project's engines field)
#   DEBIAN_MIRROR  default http://deb.debian.org/debian (any mirror or apt proxy the machine reaches)
#   PG_MAJOR       default 17
#   NODE_TAG / POSTGRES_TAG   image names, default journal/node:local and journal/postgres:local
#   KEEP_ROOTFS=1  keep the root filesystems (in WORK_DIR) instead of deleting them
#   WORK_DIR       default a fresh directory under /var/tmp
#   SKIP_SMOKE=1   do not start the images once to check them
#   IMAGES         default "node postgres": which images to (re)build
#   EXTRA_CA_DIR   default /usr/local/share/ca-certificates: extra CA certificates (*.crt) this host trusts,
#                  copied into journal/node:local. A machine that reaches the npm registry through a
#                  TLS-inspecting proxy needs them inside `docker build` too, or `npm ci` fails with
#                  SELF_SIGNED_CERT_IN_CHAIN. The image sets NODE_EXTRA_CA_CERTS so node and npm use them.
#
set -euo pipefail

DEBIAN_SUITE="${DEBIAN_SUITE:-trixie}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PG_MAJOR="${PG_MAJOR:-17}"
NODE_TAG="${NODE_TAG:-journal/node:local}"
POSTGRES_TAG="${POSTGRES_TAG:-journal/postgres:local}"
MIN_NODE="20.19.0"
IMAGES="${IMAGES:-node postgres}"
EXTRA_CA_DIR="${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "debootstrap and chroot need root"
command -v debootstrap > /dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
command -v docker > /dev/null || die "docker is missing: apt-get install -y docker.io"
docker info > /dev/null 2>&1 || die "no Docker engine answers; start one, e.g. dockerd --ip=127.0.0.1 &"

WORK_DIR="${WORK_DIR:-$(mktemp -d /var/tmp/journal-images.XXXXXX)}"
mkdir -p "$WORK_DIR"
SMOKE_CONTAINER=""

cleanup() {
  local rc=$?
  if [ -n "$SMOKE_CONTAINER" ]; then docker rm -f "$SMOKE_CONTAINER" > /dev/null 2>&1 || true; fi
  # Never leave a chroot mount behind, whatever failed.
  for root in "$WORK_DIR"/*-rootfs; do
    [ -d "$root" ] || continue
    for m in proc sys dev/pts dev; do
      if mountpoint -q "$root/$m" 2> /dev/null; then umount -l "$root/$m" || true; fi
    done
  done
  if [ "${KEEP_ROOTFS:-0}" != 1 ]; then rm -rf "$WORK_DIR"; else log "root filesystems kept in $WORK_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_chroot() {
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

# debootstrap minbase plus packages, with daemons kept from starting inside the chroot.
make_rootfs() {
  local root=$1
  shift
  log "debootstrap $DEBIAN_SUITE into $root"
  debootstrap --variant=minbase --include=ca-certificates "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >&2
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  if [ "$#" -gt 0 ]; then
    in_chroot "$root" apt-get update -q >&2
    in_chroot "$root" apt-get install -y -q --no-install-recommends "$@" >&2
  fi
}

# Smaller images: no apt lists, caches, docs, man pages or locales other than C.
slim_rootfs() {
  local root=$1
  in_chroot "$root" apt-get clean
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/* "$root"/tmp/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'C*' -exec rm -rf {} + 2> /dev/null || true
}

wanted() { case " $IMAGES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The host's extra CAs, trusted inside the image as well (see EXTRA_CA_DIR above).
install_extra_cas() {
  local root=$1 found=0
  for crt in "$EXTRA_CA_DIR"/*.crt; do
    [ -f "$crt" ] || continue
    cp "$crt" "$root/usr/local/share/ca-certificates/"
    found=$((found + 1))
  done
  if [ "$found" -gt 0 ]; then
    in_chroot "$root" update-ca-certificates > /dev/null
    log "trusting $found extra CA certificate(s) from $EXTRA_CA_DIR"
  fi
}

version_at_least() { # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

import_rootfs() { # import_rootfs ROOT TAG --change ... (docker import's Dockerfile instructions)
  local root=$1 tag=$2
  shift 2
  log "docker import -> $tag"
  tar --numeric-owner -C "$root" -c . | docker import "$@" - "$tag" > /dev/null
  docker image inspect "$tag" --format "[build-images] $tag: {{.Size}} bytes" >&2
}

# ----------------------------------------------------------------------------------------------------------
# journal/node:local
if wanted node; then
NODE_ROOT="$WORK_DIR/node-rootfs"
make_rootfs "$NODE_ROOT" nodejs npm
install_extra_cas "$NODE_ROOT"
node_version="$(in_chroot "$NODE_ROOT" node --version)"
node_version="${node_version#v}"
version_at_least "$node_version" "$MIN_NODE" ||
  die "Debian $DEBIAN_SUITE ships nodejs $node_version; the project needs >= $MIN_NODE (use DEBIAN_SUITE=trixie or later)"
log "nodejs $node_version, npm $(in_chroot "$NODE_ROOT" npm --version 2> /dev/null || echo '?')"
slim_rootfs "$NODE_ROOT"
import_rootfs "$NODE_ROOT" "$NODE_TAG" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'WORKDIR /' \
  --change 'CMD ["node"]'
fi

# ----------------------------------------------------------------------------------------------------------
# journal/postgres:local
if wanted postgres; then
PG_ROOT="$WORK_DIR/postgres-rootfs"
make_rootfs "$PG_ROOT"
# postgresql-common would create a "main" cluster on install; the entrypoint makes its own in PGDATA.
mkdir -p "$PG_ROOT/etc/postgresql-common"
printf 'create_main_cluster = false\n' > "$PG_ROOT/etc/postgresql-common/createcluster.conf"
in_chroot "$PG_ROOT" apt-get update -q >&2
in_chroot "$PG_ROOT" apt-get install -y -q --no-install-recommends "postgresql-$PG_MAJOR" >&2
[ -x "$PG_ROOT/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || die "postgresql-$PG_MAJOR did not install a server binary"

cat > "$PG_ROOT/usr/local/bin/docker-entrypoint.sh" << 'ENTRYPOINT'
#!/bin/sh
# The subset of the official postgres image's entrypoint that @testcontainers/postgresql relies on:
# initialise PGDATA on first start with POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, then exec the
# server as the postgres user. Initialisation never listens on TCP, so a pg_isready health check on
# localhost only passes once the real server is up.
set -eu
if [ "${1:-postgres}" != postgres ] && [ "${1#-}" = "$1" ]; then exec "$@"; fi
if [ "${1:-}" = postgres ]; then shift; fi

: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA

as_postgres() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi
}

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo 'POSTGRES_PASSWORD is required' >&2; exit 1; }
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  chmod 644 "$pwfile"
  # POSTGRES_INITDB_ARGS is split into words on purpose, as in the official image.
  # shellcheck disable=SC2086
  as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 $POSTGRES_INITDB_ARGS > /dev/null
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    # Single-user mode: no listener at all while the database is created.
    printf 'CREATE DATABASE "%s";\n' "$POSTGRES_DB" | as_postgres postgres --single -D "$PGDATA" postgres > /dev/null
  fi
  echo "initialised $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$PGDATA" \
  -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
ENTRYPOINT
chmod 755 "$PG_ROOT/usr/local/bin/docker-entrypoint.sh"
slim_rootfs "$PG_ROOT"
import_rootfs "$PG_ROOT" "$POSTGRES_TAG" \
  --change "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'ENV POSTGRES_INITDB_ARGS=' \
  --change 'EXPOSE 5432' \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]'
fi

# ----------------------------------------------------------------------------------------------------------
if [ "${SKIP_SMOKE:-0}" != 1 ]; then
  if wanted node; then
    log "smoke: $NODE_TAG"
    docker run --rm --network none "$NODE_TAG" node -e 'console.log(`node ${process.version} ok`)' >&2
  fi

  if wanted postgres; then
    log "smoke: $POSTGRES_TAG (published on 127.0.0.1 only)"
    SMOKE_CONTAINER="journal-images-smoke-$$"
    docker run -d --name "$SMOKE_CONTAINER" -p 127.0.0.1::5432 \
      -e POSTGRES_USER=smoke -e POSTGRES_PASSWORD=smoke -e POSTGRES_DB=smoke "$POSTGRES_TAG" > /dev/null
    ready=0
    for _ in $(seq 1 60); do
      if docker exec "$SMOKE_CONTAINER" sh -c 'PGPASSWORD=smoke pg_isready --host localhost --username smoke --dbname smoke' > /dev/null 2>&1; then
        ready=1
        break
      fi
      sleep 0.5
    done
    [ "$ready" = 1 ] || { docker logs "$SMOKE_CONTAINER" >&2; die "$POSTGRES_TAG did not become ready"; }
    docker exec "$SMOKE_CONTAINER" sh -c 'PGPASSWORD=smoke psql -h localhost -U smoke -d smoke -Atc "select version()"' >&2
    docker rm -f "$SMOKE_CONTAINER" > /dev/null
    SMOKE_CONTAINER=""
  fi
fi

cat << EOF

Images built ($IMAGES): $NODE_TAG, $POSTGRES_TAG. Use them with:

  export JOURNAL_POSTGRES_IMAGE=$POSTGRES_TAG JOURNAL_NODE_IMAGE=$NODE_TAG
  export TESTCONTAINERS_RYUK_DISABLED=true
  JOURNAL_STACK=containers npm test

The run builds the backend image (journal/backend:suite) from the Dockerfile on $NODE_TAG first and fails
with the build's own error if that build fails. To test a prebuilt backend image instead:

  docker build --build-arg NODE_IMAGE=$NODE_TAG -t journal/backend:local .
  export JOURNAL_BACKEND_IMAGE=journal/backend:local
EOF
