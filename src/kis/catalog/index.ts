// The KIS REST endpoint catalog: generated definitions grouped by category, plus lookups by path and TR id.
import type { EndpointSpec } from "./define.js"
import { kisCatalog } from "./generated/index.js"

export * from "./generated/index.js"
export type { EndpointSpec, ParamsOf, ResponseOf, VariantOf } from "./define.js"

/** Every REST endpoint, in catalog order. */
export const allEndpoints: ReadonlyArray<EndpointSpec> = Object.values(kisCatalog).flatMap((group) => Object.values(group) as Array<EndpointSpec>)

const byPath = new Map(allEndpoints.map((e) => [e.path, e]))
/** The endpoint at a path (`/uapi/domestic-stock/v1/quotations/inquire-price`). */
export const endpointByPath = (path: string): EndpointSpec | undefined => byPath.get(path)

const byTr = new Map<string, EndpointSpec>()
for (const e of allEndpoints) {
  const ids = [e.tr, ...Object.values(e.variants)].flatMap((pair) => (pair === null ? [] : [pair[0], pair[1]]))
  for (const id of [...ids, ...Object.keys(e.deprecated)]) if (id !== null && id !== "") byTr.set(id, e)
}
/** The endpoint a TR id (current, mock or retired) belongs to. */
export const endpointByTrId = (trId: string): EndpointSpec | undefined => byTr.get(trId)
