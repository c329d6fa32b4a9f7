import { runConformance } from "./_conformance.ts";
import { createNodeAdapter } from "../../src/adapters/node/mod.ts";

// node:net, node:tls and node:dgram exist on all three runtimes: run everywhere.
runConformance("node", createNodeAdapter);
