/**
 * The TLS test certificates of tests/testdata/tls/ (regenerate with scripts/gen_test_certs.sh):
 * a CA and a leaf for `localhost` / `127.0.0.1` signed by it.
 *
 * @module
 */
import { readFileSync } from "node:fs";

function readPem(name: string): string {
  return readFileSync(new URL(`../testdata/tls/${name}`, import.meta.url), "utf8");
}

/** The test CA certificate, PEM: trust it in clients (`caCerts`). */
export const TEST_CA_CERT: string = readPem("ca_cert.pem");
/** The leaf certificate for localhost and 127.0.0.1, PEM. */
export const TEST_SERVER_CERT: string = readPem("server_cert.pem");
/** The private key of the leaf certificate, PEM. */
export const TEST_SERVER_KEY: string = readPem("server_key.pem");
