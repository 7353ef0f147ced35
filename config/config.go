// Package config is motcua's one typed configuration. cmd/motcua reads the
// process environment once (Load(os.Environ())) and passes the Config down
// to every part that needs a setting; no package below cmd/ reads the
// environment itself. Every variable has a default that runs out of the
// box; secrets are masked whenever the configuration is printed.
package config

import (
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a motcua deployment.
type Config struct {
	// DatabaseURL is postgres://… for PostgreSQL, else an SQLite file path.
	// A PostgreSQL URL may name several hosts (postgres://u@a:5432,b:5432/db?
	// target_session_attrs=read-write): after a failover, new connections
	// find the promoted primary by themselves.
	DatabaseURL string
	// DatabaseReplicaURL ("" = none) is a streaming replica, or an SQLite
	// copy, that read-only work is sent to: reports, the dashboard, search
	// and inbox listings, public tracking. Reads that must see the caller's
	// own write stay on DatabaseURL.
	DatabaseReplicaURL string
	// DBSimpleProtocol sends every PostgreSQL query with the simple
	// protocol and prepares nothing on the server, as PgBouncer in
	// transaction pooling mode needs (a prepared statement lives in one
	// server session, which the next transaction may not get).
	DBSimpleProtocol bool
	// Addr is the listen address of `motcua serve`.
	Addr string
	// PublicURL is the address people open (the base of tracking links and
	// of the links in emails), without a trailing slash.
	PublicURL string
	// ConfigDir overrides the embedded catalogue and calendars ("" = embedded).
	ConfigDir string
	// DataDir holds attachment files (attachments/yyyy/mm/) and, with SMTP
	// off, the emails written instead of sent (mail/). Absolute.
	DataDir string
	// TokenTTL is how long a login token lasts.
	TokenTTL time.Duration
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// trusted for the client address (login and tracking throttling).
	TrustedProxies []netip.Prefix
	// SweepSchedule and DigestSchedule are cron specs (Asia/Ho_Chi_Minh).
	SweepSchedule  string
	DigestSchedule string
	// OutboxInterval is how often serve delivers pending notifications.
	OutboxInterval time.Duration
	// SMTP is the mail relay; Host "" means SMTP is off.
	SMTP SMTP
	// SecureCookies marks the web pages' cookies Secure and turns HSTS on:
	// by default, when PublicURL is https.
	SecureCookies bool
	// SessionKey authenticates the web pages' CSRF cookie: 32 bytes, the
	// same on every instance; nil draws a random key at each start.
	SessionKey []byte
}

// SMTP is the mail relay configuration.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string // secret: masked when printed
	From     string
	TLS      string // starttls, opportunistic, tls or none
}

// Defaults of the settings that have one.
const (
	DefaultAddr           = ":8080"
	DefaultDatabaseURL    = "./data/motcua.db"
	DefaultDataDir        = "./data"
	DefaultTokenTTL       = 12 * time.Hour
	DefaultSweepSchedule  = "*/5 * * * *"
	DefaultDigestSchedule = "30 7 * * *"
	DefaultOutboxInterval = 5 * time.Second
	DefaultSMTPPort       = 587
	DefaultSMTPTLS        = "starttls"
)

// variable is one environment variable: its name, default, what it means,
// whether it is secret, how it sets the Config and how it reads back.
type variable struct {
	name, def, help string
	secret          bool
	set             func(c *Config, v string) error
	get             func(c *Config) string
}

// text is a variable stored as it is given.
func text(name, def, help string, field func(*Config) *string) variable {
	return variable{name: name, def: def, help: help,
		set: func(c *Config, v string) error { *field(c) = v; return nil },
		get: func(c *Config) string { return *field(c) }}
}

// duration is a variable holding a positive duration.
func duration(name string, def time.Duration, help string, field func(*Config) *time.Duration) variable {
	return variable{name: name, def: def.String(), help: help,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s: %q is not a positive duration such as 12h or 5s", name, v)
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return field(c).String() }}
}

// variables lists every variable in the order Print shows them.
var variables = []variable{
	text("DATABASE_URL", DefaultDatabaseURL, "postgres://… for PostgreSQL; otherwise an SQLite file path",
		func(c *Config) *string { return &c.DatabaseURL }),
	text("DATABASE_REPLICA_URL", "", "optional read replica (postgres://…, or an SQLite file path) for reports, dashboards, search and public tracking",
		func(c *Config) *string { return &c.DatabaseReplicaURL }),
	{name: "MOTCUA_DB_SIMPLE_PROTOCOL", def: "false", help: "true behind PgBouncer in transaction pooling mode: no server-side prepared statements",
		set: setSimpleProtocol, get: func(c *Config) string { return strconv.FormatBool(c.DBSimpleProtocol) }},
	text("MOTCUA_ADDR", DefaultAddr, "listen address", func(c *Config) *string { return &c.Addr }),
	{name: "MOTCUA_PUBLIC_URL", help: "the address people open (tracking links, emails); default http://localhost and the port of MOTCUA_ADDR",
		set: setPublicURL, get: func(c *Config) string { return c.PublicURL }},
	text("MOTCUA_CONFIG_DIR", "", "a directory overriding the embedded configs/ (procedures/, holidays/, onestop.yaml)",
		func(c *Config) *string { return &c.ConfigDir }),
	{name: "MOTCUA_DATA_DIR", def: DefaultDataDir, help: "where attachment files are stored",
		set: setDataDir, get: func(c *Config) string { return c.DataDir }},
	duration("MOTCUA_TOKEN_TTL", DefaultTokenTTL, "lifetime of a login token", func(c *Config) *time.Duration { return &c.TokenTTL }),
	{name: "MOTCUA_TRUSTED_PROXIES", help: "comma-separated CIDR ranges whose X-Forwarded-For is trusted",
		set: setProxies, get: func(c *Config) string { return joinPrefixes(c.TrustedProxies) }},
	text("MOTCUA_SWEEP_SCHEDULE", DefaultSweepSchedule, "cron spec of the deadline sweeps in serve",
		func(c *Config) *string { return &c.SweepSchedule }),
	text("MOTCUA_DIGEST_SCHEDULE", DefaultDigestSchedule, "cron spec of the daily digest email",
		func(c *Config) *string { return &c.DigestSchedule }),
	duration("MOTCUA_OUTBOX_INTERVAL", DefaultOutboxInterval, "how often serve delivers pending notifications",
		func(c *Config) *time.Duration { return &c.OutboxInterval }),
	text("MOTCUA_SMTP_HOST", "", "SMTP relay; unset: emails are written to MOTCUA_DATA_DIR/mail instead of sent",
		func(c *Config) *string { return &c.SMTP.Host }),
	{name: "MOTCUA_SMTP_PORT", def: strconv.Itoa(DefaultSMTPPort), help: "SMTP port",
		set: setSMTPPort, get: func(c *Config) string { return strconv.Itoa(c.SMTP.Port) }},
	text("MOTCUA_SMTP_USERNAME", "", "SMTP PLAIN authentication user", func(c *Config) *string { return &c.SMTP.Username }),
	secret(text("MOTCUA_SMTP_PASSWORD", "", "SMTP PLAIN authentication password", func(c *Config) *string { return &c.SMTP.Password })),
	text("MOTCUA_SMTP_FROM", "", "the sender, e.g. Một cửa BQL <motcua@bql.gov.vn>", func(c *Config) *string { return &c.SMTP.From }),
	{name: "MOTCUA_SMTP_TLS", def: DefaultSMTPTLS, help: "starttls, opportunistic, tls or none",
		set: setSMTPTLS, get: func(c *Config) string { return c.SMTP.TLS }},
	{name: "MOTCUA_SECURE_COOKIES", help: "true behind TLS: Secure cookies and HSTS; default true when MOTCUA_PUBLIC_URL is https",
		set: setSecureCookies, get: func(c *Config) string { return strconv.FormatBool(c.SecureCookies) }},
	secret(variable{name: "MOTCUA_SESSION_KEY", help: "64 hex digits authenticating the web forms' CSRF cookie, the same on every instance; unset: random at each start",
		set: setSessionKey, get: func(c *Config) string { return hex.EncodeToString(c.SessionKey) }}),
}

// secret marks a variable as secret: Print masks it.
func secret(v variable) variable {
	v.secret = true
	return v
}

// Load builds the configuration from environ ("KEY=value" entries, as
// os.Environ returns them): every variable that is set and not empty, the
// default otherwise. The error names each variable at fault.
func Load(environ []string) (Config, error) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	var c Config
	var faults []string
	for _, v := range variables {
		val := strings.TrimSpace(env[v.name])
		if val == "" {
			val = v.def
		}
		if err := v.set(&c, val); err != nil {
			faults = append(faults, err.Error())
		}
	}
	if c.PublicURL == "" {
		c.PublicURL = defaultPublicURL(c.Addr)
	}
	if strings.TrimSpace(env["MOTCUA_SECURE_COOKIES"]) == "" {
		c.SecureCookies = strings.HasPrefix(c.PublicURL, "https://")
	}
	if len(faults) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(faults, "; "))
	}
	return c, nil
}

// Default is the configuration of an empty environment.
func Default() Config {
	c, err := Load(nil)
	if err != nil {
		panic(err) // the defaults are valid; a test pins it
	}
	return c
}

// Print writes every variable with its effective value, secrets masked.
func (c Config) Print(w io.Writer) {
	for _, v := range variables {
		fmt.Fprintf(w, "%-24s %s\n", v.name, c.display(v))
	}
}

// display is the variable's effective value as Print shows it.
func (c Config) display(v variable) string {
	val := v.get(&c)
	switch {
	case v.secret && val != "":
		return "****"
	case v.name == "DATABASE_URL" || v.name == "DATABASE_REPLICA_URL":
		return MaskURL(val)
	case val == "":
		return "(unset)"
	}
	return val
}

// Usage writes each variable, its default and what it means.
func Usage(w io.Writer) {
	for _, v := range variables {
		def := v.def
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(w, "  %-24s %s (default %s)\n", v.name, v.help, def)
	}
}

// MaskURL hides the password of a URL ("postgres://u:****@host/db"); a
// string that is not a URL with a password is returned as is.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// a multi-host URL (a:5432,b:5432) is not a URL to net/url
		return userinfoPassword.ReplaceAllString(raw, "${1}****@")
	}
	if u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); !has {
		return raw
	}
	u.User = url.UserPassword(u.User.Username(), "xxxxx")
	return strings.Replace(u.String(), "xxxxx", "****", 1)
}

// userinfoPassword matches the user and password of a URL's userinfo.
var userinfoPassword = regexp.MustCompile(`^([a-z]+://[^:@/]*:)[^@/]*@`)

// setSimpleProtocol parses MOTCUA_DB_SIMPLE_PROTOCOL.
func setSimpleProtocol(c *Config, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("MOTCUA_DB_SIMPLE_PROTOCOL: %q is not true or false", v)
	}
	c.DBSimpleProtocol = b
	return nil
}

// IsPostgres reports whether the database URL names PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

func setPublicURL(c *Config, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("MOTCUA_PUBLIC_URL: %q is not an http(s) address such as https://motcua.bql.gov.vn", v)
	}
	c.PublicURL = strings.TrimRight(v, "/")
	return nil
}

// defaultPublicURL is http://localhost with the listen port.
func defaultPublicURL(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "http://localhost" + addr
	}
	return "http://" + addr
}

func setDataDir(c *Config, v string) error {
	abs, err := filepath.Abs(v)
	if err != nil {
		return fmt.Errorf("MOTCUA_DATA_DIR: %w", err)
	}
	c.DataDir = abs
	return nil
}

func setProxies(c *Config, v string) error {
	c.TrustedProxies = nil
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("MOTCUA_TRUSTED_PROXIES: %q is not a CIDR range such as 10.0.0.0/8", s)
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	return nil
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func setSMTPPort(c *Config, v string) error {
	port, err := strconv.Atoi(v)
	if err != nil || port <= 0 || port > 65535 {
		return fmt.Errorf("MOTCUA_SMTP_PORT: %q is not a port number", v)
	}
	c.SMTP.Port = port
	return nil
}

func setSecureCookies(c *Config, v string) error {
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("MOTCUA_SECURE_COOKIES: %q is not true or false", v)
	}
	c.SecureCookies = b
	return nil
}

func setSessionKey(c *Config, v string) error {
	if v == "" {
		return nil
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != 32 {
		return fmt.Errorf("MOTCUA_SESSION_KEY: not 64 hexadecimal digits (32 bytes); make one with: openssl rand -hex 32")
	}
	c.SessionKey = key
	return nil
}

func setSMTPTLS(c *Config, v string) error {
	switch v {
	case "starttls", "opportunistic", "tls", "none":
		c.SMTP.TLS = v
		return nil
	}
	return fmt.Errorf("MOTCUA_SMTP_TLS: %q is not one of starttls, opportunistic, tls, none", v)
}
