// Package configs embeds the default procedure catalogue, the holiday
// calendars and the one-stop-shop rules. A directory on disk named by
// MOTCUA_CONFIG_DIR, with the same layout, overrides them, so that an
// administrator can change a rule or a holiday without a release.
package configs

import "embed"

// FS holds procedures/*.yaml, holidays/*.yaml, demo/boards.yaml and onestop.yaml.
//
//go:embed procedures holidays demo *.yaml
var FS embed.FS
