/**
 * The prefix of every exchange, queue, topic and consumer group a lab creates on the brokers
 * (its services' EVENT_NAMESPACE, and lab 05's demos): `lab01` for 01-tour. Each lab has its
 * own, so resetting one lab never touches another's queues, and test runs (`commlab-test-…`)
 * never share names with either.
 */
export function labNamespace(labId: string): string {
  return `lab${labId.split('-')[0]}`;
}

/**
 * Whether a broker name belongs to one of the namespaces. The dot matters: namespace `lab01`
 * owns `lab01.events`, not `lab010.events` nor `lab01-old.events`.
 */
export function inNamespaces(name: string, namespaces: readonly string[]): boolean {
  return namespaces.some((namespace) => name.startsWith(`${namespace}.`));
}
