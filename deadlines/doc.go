// Package deadlines is the working-day calendar of motcua: the Vietnamese
// public-holiday schedule (announced years from configs/holidays, other
// years derived from Bộ luật Lao động 2019 Art 111-112 and the Vietnamese
// lunar calendar), due-date arithmetic in working or calendar days, the
// 15:00 cut-off of the one-stop desk (ND 61/2018 Art 18), the dossier clock
// (start, pause or restart on supplementation, one extension, finish and
// early / on-time / late classification) and per-step deadlines.
//
// Every instant is interpreted in Location (Asia/Ho_Chi_Minh); dates are
// local midnights. Functions that depend on the current time take it as a
// parameter so that callers and tests control time.
package deadlines
