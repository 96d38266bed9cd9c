/** Every lab of the book, in chapter order (DESIGN.md's chapter → lab map). */
export interface LabEntry {
  id: string;
  chapter: string;
  en: string;
  zh: string;
}

export const catalogue: readonly LabEntry[] = [
  { id: '01-tour', chapter: '1', en: 'Introduction to service-to-service communication', zh: '服务间通信简介' },
  {
    id: '02-sync-vs-async',
    chapter: '2',
    en: 'Basic concepts: sync vs async, request/response vs events',
    zh: '服务间通信的基本概念',
  },
  { id: '03-rest', chapter: '3', en: 'HTTP-based communication (RESTful API)', zh: '基于 HTTP 的通信（RESTful API）' },
  {
    id: '04-rpc',
    chapter: '4',
    en: 'RPC-based communication (gRPC and Thrift)',
    zh: '基于 RPC 的服务间通信（gRPC 与 Thrift）',
  },
  {
    id: '05-messaging',
    chapter: '5',
    en: 'Asynchronous messaging (Kafka, RabbitMQ)',
    zh: '基于消息队列的异步通信（Kafka, RabbitMQ）',
  },
  {
    id: '06-websockets',
    chapter: '6',
    en: 'Real-time communication with WebSockets',
    zh: '基于 WebSockets 的实时通信',
  },
  { id: '07-service-mesh', chapter: '7', en: 'Service mesh and service communication', zh: '服务网格与服务间通信' },
  {
    id: '08-event-sourcing',
    chapter: '8',
    en: 'Event-driven architecture and event sourcing',
    zh: '事件驱动架构与事件源模式',
  },
  { id: '09-security', chapter: '9', en: 'Security in service communication', zh: '服务间通信中的安全性' },
  { id: '10-performance', chapter: '10', en: 'Performance optimization', zh: '服务间通信中的性能优化' },
  { id: '11-fault-tolerance', chapter: '11', en: 'Fault tolerance and high availability', zh: '容错与高可用性' },
  {
    id: '11-high-availability',
    chapter: '11',
    en: 'High availability on broker clusters',
    zh: '高可用性：消息代理集群',
  },
  {
    id: '12-patterns',
    chapter: '12',
    en: 'Communication patterns in microservices',
    zh: '微服务架构中的服务间通信模式',
  },
  {
    id: '13-capstone',
    chapter: '13',
    en: 'Designing and implementing a communication system',
    zh: '设计与实现一个服务间通信系统',
  },
  { id: '14-observability', chapter: '14', en: 'Monitoring and troubleshooting', zh: '监控与故障排查' },
  { id: '15-future', chapter: '15', en: 'Future communication technologies', zh: '未来的服务间通信技术' },
  { id: '16-decision-guide', chapter: '16', en: 'Summary and best practices', zh: '总结与最佳实践' },
  { id: 'd-testing', chapter: 'D', en: 'Testing tools and methods', zh: '服务间通信的常用测试工具与方法' },
];
