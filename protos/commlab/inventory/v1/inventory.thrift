// The inventory contract of inventory.proto (beside this file), in Apache Thrift's IDL, so the
// same service can be called over Thrift and the two compared. `pnpm gen:thrift` turns it into
// packages/contracts/src/generated-thrift/.
//
// What differs from the .proto, and why:
// - Only the unary calls: Thrift has no streaming (WatchStock, AdjustStock and ReserveSession
//   have no Thrift twin).
// - Refusals are declared exceptions, part of each method's signature, instead of status codes
//   with trailing metadata.
// - Fields carry `required`/`optional`; numbering works as in protobuf (never reuse a number).
namespace js commlab.inventory.v1

struct StockLevel {
  1: required string sku
  2: required string name
  // Units that can still be reserved.
  3: required i32 available
  // Units held by open reservations.
  4: required i32 reserved
}

struct ReservationLine {
  1: required string sku
  2: required i32 quantity
}

struct ReserveRequest {
  1: required string reservationId
  2: required list<ReservationLine> lines
}

struct ReserveResponse {
  1: required string reservationId
  // Stock of the reserved SKUs after this reservation.
  2: required list<StockLevel> items
}

enum RefusalReason {
  INSUFFICIENT_STOCK = 1
  RESERVATION_CONFLICT = 2
  RESERVATION_RELEASED = 3
}

// Empty or malformed ids, no lines, more than 100 lines, a bad SKU, a quantity not in 1…10000.
exception InvalidArgument {
  1: required string message
  // The field at fault, e.g. "lines[0].quantity".
  2: optional string field
}

exception UnknownSku {
  1: required string message
  2: required string sku
}

// The request is well formed but cannot be met: not enough stock, a reservation id reused with
// other lines, or an id that was already released.
exception Refused {
  1: required RefusalReason reason
  2: required string message
  3: optional string subject
}

service InventoryService {
  // Stock levels of the given SKUs, or of the whole catalogue when none are given.
  list<StockLevel> getStock(1: list<string> skus) throws (1: InvalidArgument invalid, 2: UnknownSku unknown)

  // Reserves every line or none; idempotent by reservation id.
  ReserveResponse reserve(1: ReserveRequest request)
    throws (1: InvalidArgument invalid, 2: UnknownSku unknown, 3: Refused refused)

  // Returns reserved stock; false when there was nothing to release.
  bool release(1: string reservationId) throws (1: InvalidArgument invalid)
}
