// The KIS message codes and Korean texts kis-sim answers with, per profile. Where KIS-API.md §5 records real codes they
// are used; where evidence is missing (tick, band, revise errors on real) the simulator convention below is chosen once.
// Clients must classify by msg1 keywords (장운영시간, 장시작전, 장종료, 주문가능금액, 주문가능수량, 호가단위), never by code.

export type Profile = "real" | "mock"

export interface KisMessage {
  readonly code: string
  readonly text: string
}

const m = (code: string, text: string): KisMessage => ({ code, text })

export type OrderRejection =
  | "beforeOpen" | "afterClose" | "offTick" | "outsideBand" | "cash" | "holdings" | "unknownStock" | "orderType"
  | "quantity" | "price" | "auctionCondition" | "noStockToday"
export type ReviseRejection = "originalNotFound" | "nothingLeft" | "qtyOverCancellable"

const REJECTIONS: Record<Profile, Record<OrderRejection | ReviseRejection, KisMessage>> = {
  real: {
    beforeOpen: m("APBK0918", "장운영시간이 아닙니다."),
    afterClose: m("APBK0918", "장운영시간이 아닙니다."),
    offTick: m("APBK0546", "주식주문호가단위 오류입니다."),
    outsideBand: m("APBK0547", "주문가격이 상/하한가 범위를 벗어났습니다."),
    cash: m("APBK0919", "주문가능금액을 초과 했습니다"),
    holdings: m("APBK0920", "주문가능수량을 초과하였습니다"),
    unknownStock: m("APBK0656", "해당 종목정보가 없습니다."),
    orderType: m("APBK0017", "주문구분 오류입니다. (지원하지 않는 주문구분)"),
    quantity: m("APBK0018", "주문수량 오류입니다."),
    price: m("APBK0019", "주문단가 오류입니다."),
    auctionCondition: m("APBK1015", "IOC/FOK 조건은 접속매매 시간에만 가능합니다."),
    noStockToday: m("APBK0918", "장운영시간이 아닙니다. (거래정지 또는 미상장 종목)"),
    originalNotFound: m("APBK0364", "원주문번호가 존재하지 않습니다"),
    nothingLeft: m("APBK0365", "정정/취소할 수량이 없습니다"),
    qtyOverCancellable: m("APBK0366", "취소수량이 취소가능수량을 초과합니다")
  },
  mock: {
    beforeOpen: m("40570000", "모의투자 장시작전 입니다."),
    afterClose: m("40570000", "모의투자 장종료 입니다."),
    offTick: m("40580000", "모의투자 주문처리가 안되었습니다(호가단위 오류)"),
    outsideBand: m("40590000", "모의투자 주문처리가 안되었습니다(상하한가 오류)"),
    cash: m("40250000", "모의투자 주문가능금액이 부족합니다."),
    holdings: m("40240000", "모의투자 주문가능수량을 초과하였습니다."),
    unknownStock: m("40070000", "모의투자 종목코드 오류입니다."),
    orderType: m("40080000", "모의투자 주문구분 오류입니다."),
    quantity: m("40090000", "모의투자 주문수량 오류입니다."),
    price: m("40100000", "모의투자 주문단가 오류입니다."),
    auctionCondition: m("40110000", "모의투자 IOC/FOK 조건은 접속매매 시간에만 가능합니다."),
    noStockToday: m("40570000", "모의투자 장종료 입니다. (거래정지 또는 미상장 종목)"),
    originalNotFound: m("40320000", "모의투자 원주문번호가 존재하지 않습니다"),
    nothingLeft: m("40330000", "모의투자 정정/취소할 수량이 없습니다"),
    qtyOverCancellable: m("40430000", "모의투자 취소수량이 취소가능수량을 초과합니다")
  }
}

export const rejection = (profile: Profile, reason: OrderRejection | ReviseRejection): KisMessage => REJECTIONS[profile][reason]

export const orderAccepted = (profile: Profile, what: "buy" | "sell" | "revise" | "cancel"): KisMessage =>
  profile === "real"
    ? m("APBK0013", "주문 전송 완료 되었습니다.")
    : what === "revise" ? m("40620000", "모의투자 정정주문이 완료 되었습니다.")
    : what === "cancel" ? m("40630000", "모의투자 취소주문이 완료 되었습니다.")
    : m("40600000", `모의투자 ${what === "buy" ? "매수" : "매도"}주문이 완료 되었습니다.`)

/** KIS pads msg1 of inquiries with spaces. */
const padded = (text: string, width = 40): string => text + " ".repeat(Math.max(0, width - text.length))

export const INQUIRY_DONE = m("KIOK0510", padded("조회가 완료되었습니다"))
export const QUOTE_OK = m("MCA00000", "정상처리 되었습니다.")
/** search-stock-info's answer (the documentation example's code and text). */
export const STOCK_INFO_OK = m("KIOK0530", padded("조회되었습니다"))
export const noData = (profile: Profile): KisMessage =>
  profile === "real" ? m("KIOK0560", padded("조회할 내용이 없습니다")) : m("70070000", "모의투자 조회할 내역(자료)이 없습니다.")
export const NOT_ON_MOCK = m("90000000", "모의투자에서는 해당업무가 제공되지 않습니다.")

export const GATEWAY = {
  rateLimit: m("EGW00201", "초당 거래건수를 초과하였습니다."),
  invalidToken: m("EGW00121", "유효하지 않은 token 입니다."),
  expiredToken: m("EGW00123", "기간이 만료된 token 입니다."),
  appKeyRequired: m("EGW00102", "AppKey는 필수입니다."),
  invalidAppKey: m("EGW00103", "유효하지 않은 AppKey입니다."),
  invalidAppSecret: m("EGW00105", "유효하지 않은 AppSecret입니다."),
  tokenTooSoon: m("EGW00133", "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)"),
  badJson: m("OPSQ9997", "invalid JSON"),
  unknownTrId: m("OPSQ9999", "tr_id not found"),
  unknownService: m("OPSQ0002", "없는 서비스 코드 입니다"),
  invalidAccount: m("OPSQ2000", "ERROR : INPUT INVALID_CHECK_ACNO"),
  invalidMarket: m("OPSQ2001", "ERROR : INPUT INVALID_CHECK_MRKT_DIV_CODE"),
  missingField: m("OPSQ2002", "ERROR : INPUT FIELD_NOT_FOUND"),
  invalidStock: m("MCA05918", "종목코드 오류입니다."),
  serverError: m("EGW00002", "서버 에러가 발생하였습니다.")
} as const
