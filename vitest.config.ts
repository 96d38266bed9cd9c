import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests sit next to the code they test (src/**/*.test.ts) and need nothing running.
// Integration tests (a package's or service's test/ folder, every lab) talk to real brokers and processes.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 1 },
          include: ['{packages,services,tools}/*/src/**/*.test.ts', '{packages,services,tools}/*/scripts/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{packages,services,tools}/*/test/**/*.test.ts', 'labs/*/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/test/cluster/**', 'labs/11-high-availability/**'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
          // Two cores: two test files at a time, each with its own processes on free ports.
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        // Tests that start the three-node Kafka and RabbitMQ clusters (infra/*-cluster) and
        // kill their nodes: after the others, one file at a time, so a cluster never shares
        // the machine's two cores with another cluster or a lab.
        test: {
          name: 'cluster',
          include: ['packages/*/test/cluster/**/*.test.ts', 'labs/11-high-availability/**/*.test.ts'],
          // Both clusters start once for the project, not once per file.
          globalSetup: ['packages/testkit/src/cluster-setup.ts'],
          testTimeout: 180_000,
          // Lab 11-high-availability in containers: five services and nine node stand-ins
          // start at once on two busy cores before the first test.
          hookTimeout: 480_000,
          maxWorkers: 1,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
