#!/usr/bin/env bash
# Regenerates the test-only TLS files (a CA, a server certificate for localhost / 127.0.0.1, a client certificate,
# all valid for 100 years). Private keys are PKCS#8 PEM, as grpc-java's TlsServerCredentials reads them.
# These keys protect nothing: they exist only for GrpcStoreTlsTest.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "/CN=chunkstore test CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
for who in server client; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=chunkstore test $who" -keyout $who.key -out $who.csr
  if [ $who = server ]; then ext="subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"; else ext="extendedKeyUsage=clientAuth"; fi
  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $days -out $who.pem \
    -extfile <(printf '%s\n' "$ext")
  rm $who.csr
done
# A second CA that signed nothing here: a client trusting only it must fail to connect.
openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "/CN=chunkstore other CA" \
  -keyout other-ca.key -out other-ca.pem
rm -f ca.srl ca.key other-ca.key
