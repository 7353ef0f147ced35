// Package importer brings a board's history from older software into
// motcua (`motcua import`). The input is JSON Lines, one dossier or one
// opening investment project per line (docs/IMPORT.md). Each dossier is
// replayed through the engine at its historical instants, Submit then Fire
// for each event, without notifications, so that its due dates, pauses and
// outcome are what motcua would have made of them. The whole file runs in
// one transaction, each line in a savepoint: every faulty line is reported
// with its line number and field, and a file with any fault writes nothing.
package importer
