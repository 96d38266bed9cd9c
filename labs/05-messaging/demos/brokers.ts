/**
 * Where the demos find the brokers: the same variables and defaults as the lab runner and
 * the tests (README's environment table). The one place in this lab that reads the environment.
 */
export const brokers = {
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  kafka: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
};
