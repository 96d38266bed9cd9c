/** Header on a dead letter (RabbitMQ) or a parked message (Kafka) saying why it is there. */
export const deadLetterReasonHeader = 'dead-letter-reason';
