export { BrokerConnection, PublishError, describe, type BrokerOptions, type TlsOptions } from "./connection";
export { Consumer, type ConsumerOptions } from "./consumer";
export type { Delivery, DeliveryState } from "./deliveries";
export { DEAD_LETTER_HEADERS, deadLetterHeaders, type DeadLetterReason, type SettleResult } from "./settlement";
export { getBroker, listBrokers, type BrokerInfo, type BrokerState } from "./registry";
export * from "./topology";
export { listDeadLetters, replayDeadLetters, selects, type DeadLetter, type ReplayResult, type Selection } from "./dead-letters";
export { bodyMessageId } from "./message-id";
