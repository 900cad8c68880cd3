#!/bin/sh
# Writes an RS256 key pair (DIR/key.pem, DIR/pub.pem) and the jwt-auth filter entry accepting it
# (DIR/jwt-auth-filter.yaml), and prints a JWT signed with it, valid for a day:
# sub bench-client, iss https://id.example.com/, aud orders, scope "orders:read orders:write". openssl only.
# Used by the end-to-end benchmarks (security.sh, release.sh).
#
#   TOKEN=$(core/bench/e2e/mint-token.sh DIR)
set -eu
W=$1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/key.pem" 2>/dev/null
openssl pkey -in "$W/key.pem" -pubout -out "$W/pub.pem"
# the jwt-auth filter entry that accepts the token (a filters: list item, indented for a route's filters:),
# so that the claims below and the filter's settings are written in one place
{
  printf '      - type: jwt-auth\n        issuer: "https://id.example.com/"\n        audience: orders\n'
  printf '        query: access_token\n        public-key: |\n'
  sed 's/^/          /' "$W/pub.pem"
} > "$W/jwt-auth-filter.yaml"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"bench-client","iss":"https://id.example.com/","aud":"orders","scope":"orders:read orders:write","exp":%d}' \
  $(( $(date +%s) + 86400 )) | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$W/key.pem" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$sig"
