// Field layouts of the domestic realtime TRs, index = position in the `^`-delimited record (KIS-API.md §12.3–12.5,
// endpoints.json ws_fields). Multi-record frames are cut by these counts, so they must match KIS exactly.

/** H0STCNT0 (KRX trades), 46 fields. */
export const TRADE_FIELDS = [
  "MKSC_SHRN_ISCD", "STCK_CNTG_HOUR", "STCK_PRPR", "PRDY_VRSS_SIGN", "PRDY_VRSS", "PRDY_CTRT", "WGHN_AVRG_STCK_PRC",
  "STCK_OPRC", "STCK_HGPR", "STCK_LWPR", "ASKP1", "BIDP1", "CNTG_VOL", "ACML_VOL", "ACML_TR_PBMN", "SELN_CNTG_CSNU",
  "SHNU_CNTG_CSNU", "NTBY_CNTG_CSNU", "CTTR", "SELN_CNTG_SMTN", "SHNU_CNTG_SMTN", "CCLD_DVSN", "SHNU_RATE",
  "PRDY_VOL_VRSS_ACML_VOL_RATE", "OPRC_HOUR", "OPRC_VRSS_PRPR_SIGN", "OPRC_VRSS_PRPR", "HGPR_HOUR",
  "HGPR_VRSS_PRPR_SIGN", "HGPR_VRSS_PRPR", "LWPR_HOUR", "LWPR_VRSS_PRPR_SIGN", "LWPR_VRSS_PRPR", "BSOP_DATE",
  "NEW_MKOP_CLS_CODE", "TRHT_YN", "ASKP_RSQN1", "BIDP_RSQN1", "TOTAL_ASKP_RSQN", "TOTAL_BIDP_RSQN", "VOL_TNRT",
  "PRDY_SMNS_HOUR_ACML_VOL", "PRDY_SMNS_HOUR_ACML_VOL_RATE", "HOUR_CLS_CODE", "MRKT_TRTM_CLS_CODE", "VI_STND_PRC"
] as const

/** The ten names `<prefix>1 … <prefix>10` of one side of the book. */
const tenLevels = (prefix: string): ReadonlyArray<string> => Array.from({ length: 10 }, (_, i) => `${prefix}${i + 1}`)

/** H0STASP0 (KRX 10-level book), 59 fields. */
export const ORDER_BOOK_FIELDS: ReadonlyArray<string> = [
  "MKSC_SHRN_ISCD", "BSOP_HOUR", "HOUR_CLS_CODE",
  ...tenLevels("ASKP"), ...tenLevels("BIDP"), ...tenLevels("ASKP_RSQN"), ...tenLevels("BIDP_RSQN"),
  "TOTAL_ASKP_RSQN", "TOTAL_BIDP_RSQN", "OVTM_TOTAL_ASKP_RSQN", "OVTM_TOTAL_BIDP_RSQN", "ANTC_CNPR", "ANTC_CNQN",
  "ANTC_VOL", "ANTC_CNTG_VRSS", "ANTC_CNTG_VRSS_SIGN", "ANTC_CNTG_PRDY_CTRT", "ACML_VOL", "TOTAL_ASKP_RSQN_ICDC",
  "TOTAL_BIDP_RSQN_ICDC", "OVTM_TOTAL_ASKP_ICDC", "OVTM_TOTAL_BIDP_ICDC", "STCK_DEAL_CLS_CODE"
]

/**
 * H0STCNI0 / H0STCNI9 (order and fill notices), documented layout of 26 fields. Live mock frames and the doc's own
 * example carry 23: indices 0–17 agree, the rest do not, so only 0–17 are trusted.
 */
export const FILL_NOTICE_FIELDS = [
  "CUST_ID", "ACNT_NO", "ODER_NO", "OODER_NO", "SELN_BYOV_CLS", "RCTF_CLS", "ODER_KIND", "ODER_COND",
  "STCK_SHRN_ISCD", "CNTG_QTY", "CNTG_UNPR", "STCK_CNTG_HOUR", "RFUS_YN", "CNTG_YN", "ACPT_YN", "BRNC_NO", "ODER_QTY",
  "ACNT_NAME", "ORD_COND_PRC", "ORD_EXG_GB", "POPUP_YN", "FILLER", "CRDT_CLS", "CRDT_LOAN_DATE", "CNTG_ISNM40", "ODER_PRC"
] as const

/** Field counts a notice record may have: observed (23) and documented (26). */
export const FILL_NOTICE_FIELD_COUNTS: ReadonlyArray<number> = [23, FILL_NOTICE_FIELDS.length]

/** Number of leading notice fields whose meaning is the same in every observed layout. */
export const FILL_NOTICE_TRUSTED_FIELDS = 18

export const TradeTrId = "H0STCNT0"
export const OrderBookTrId = "H0STASP0"
/** Real-server and mock-server notice TRs; the record layout is the same. */
export const FillNoticeTrIds = ["H0STCNI0", "H0STCNI9"] as const
export type FillNoticeTrId = (typeof FillNoticeTrIds)[number]

export const isFillNoticeTrId = (trId: string): trId is FillNoticeTrId => (FillNoticeTrIds as ReadonlyArray<string>).includes(trId)
