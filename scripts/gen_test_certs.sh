#!/usr/bin/env bash
# Regenerates the TLS test certificates in tests/testdata/tls/: a CA and a leaf for localhost.
# The leaf has subjectAltName DNS:localhost,IP:127.0.0.1 and is signed by the CA, because the
# Deno.connectTls client rejects self-signed end-entity certificates (CaUsedAsEndEntity).
# Valid for 100 years; test use only (the private keys are public).
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/testdata/tls
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -sha256 \
  -subj "/CN=rtspkit test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$out/ca_key.pem" -out "$out/ca_cert.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
  -keyout "$out/server_key.pem" -out "$tmp/server.csr" 2>/dev/null
cat > "$tmp/ext.cnf" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in "$tmp/server.csr" -CA "$out/ca_cert.pem" -CAkey "$out/ca_key.pem" \
  -CAcreateserial -CAserial "$tmp/ca.srl" -days 36500 -sha256 -extfile "$tmp/ext.cnf" \
  -out "$out/server_cert.pem" 2>/dev/null
echo "Wrote $out/{ca_cert,ca_key,server_cert,server_key}.pem"
