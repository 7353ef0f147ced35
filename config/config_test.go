package config

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c := Default()
	if c.DatabaseURL != DefaultDatabaseURL || c.Addr != ":8080" || c.PublicURL != "http://localhost:8080" ||
		c.TokenTTL != 12*time.Hour || c.OutboxInterval != 5*time.Second || c.SMTP.Port != 587 ||
		c.SMTP.TLS != "starttls" || c.SweepSchedule != DefaultSweepSchedule || !strings.HasSuffix(c.DataDir, "/data") {
		t.Fatalf("defaults: %+v", c)
	}
	if c.IsPostgres() {
		t.Fatal("the default database is SQLite")
	}
}

func TestLoad(t *testing.T) {
	c, err := Load([]string{"DATABASE_URL=postgres://app:s3cret@db:5432/motcua", "MOTCUA_ADDR=127.0.0.1:9000",
		"MOTCUA_TOKEN_TTL=30m", "MOTCUA_TRUSTED_PROXIES=10.0.0.0/8, 192.168.1.0/24", "MOTCUA_SMTP_PASSWORD=hunter2-pw",
		"MOTCUA_PUBLIC_URL=https://motcua.bql.gov.vn/", "MOTCUA_DATA_DIR=/srv/motcua", "UNRELATED=1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.0/24")}
	if !c.IsPostgres() || c.Addr != "127.0.0.1:9000" || c.TokenTTL != 30*time.Minute || len(c.TrustedProxies) != 2 ||
		c.TrustedProxies[1] != want[1] || c.PublicURL != "https://motcua.bql.gov.vn" || c.DataDir != "/srv/motcua" ||
		c.SMTP.Password != "hunter2-pw" {
		t.Fatalf("loaded: %+v", c)
	}
	var out bytes.Buffer
	c.Print(&out)
	printed := out.String()
	if strings.Contains(printed, "s3cret") || strings.Contains(printed, "hunter2") {
		t.Fatalf("a secret was printed:\n%s", printed)
	}
	if !strings.Contains(printed, "postgres://app:****@db:5432/motcua") || !strings.Contains(printed, "MOTCUA_SMTP_PASSWORD     ****") ||
		!strings.Contains(printed, "MOTCUA_TRUSTED_PROXIES   10.0.0.0/8,192.168.1.0/24") {
		t.Fatalf("printed:\n%s", printed)
	}
}

func TestLoadNamesEachFault(t *testing.T) {
	_, err := Load([]string{"MOTCUA_TOKEN_TTL=soon", "MOTCUA_SMTP_PORT=70000", "MOTCUA_TRUSTED_PROXIES=10.0.0.1",
		"MOTCUA_SMTP_TLS=ssl", "MOTCUA_PUBLIC_URL=ftp://x", "MOTCUA_OUTBOX_INTERVAL=-1s"})
	if err == nil {
		t.Fatal("faulty variables loaded")
	}
	for _, name := range []string{"MOTCUA_TOKEN_TTL", "MOTCUA_SMTP_PORT", "MOTCUA_TRUSTED_PROXIES", "MOTCUA_SMTP_TLS",
		"MOTCUA_PUBLIC_URL", "MOTCUA_OUTBOX_INTERVAL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
}

func TestMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@h/db?sslmode=disable": "postgres://u:****@h/db?sslmode=disable",
		"postgres://u@h/db":                   "postgres://u@h/db",
		"./data/motcua.db":                    "./data/motcua.db",
		// several hosts, as after a failover: not a URL to net/url, masked all the same
		"postgres://u:s3cret@a:5432,b:5433/db?target_session_attrs=read-write": "postgres://u:****@a:5432,b:5433/db?target_session_attrs=read-write",
	} {
		if got := MaskURL(in); got != want {
			t.Errorf("MaskURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecureCookiesAndSessionKey(t *testing.T) {
	c, err := Load([]string{"MOTCUA_PUBLIC_URL=https://motcua.bql.gov.vn"})
	if err != nil || !c.SecureCookies || c.SessionKey != nil {
		t.Fatalf("https public URL: secure %v key %v err %v, want secure cookies and no key", c.SecureCookies, c.SessionKey, err)
	}
	c, err = Load([]string{"MOTCUA_PUBLIC_URL=https://motcua.bql.gov.vn", "MOTCUA_SECURE_COOKIES=false"})
	if err != nil || c.SecureCookies {
		t.Fatalf("explicit false: secure %v err %v", c.SecureCookies, err)
	}
	if c := Default(); c.SecureCookies {
		t.Fatal("plain http by default: cookies must not be Secure, or the browser drops them")
	}
	key := strings.Repeat("ab", 32)
	c, err = Load([]string{"MOTCUA_SESSION_KEY=" + key})
	if err != nil || len(c.SessionKey) != 32 {
		t.Fatalf("key: %v %v", c.SessionKey, err)
	}
	var out strings.Builder
	c.Print(&out)
	if strings.Contains(out.String(), key) || !strings.Contains(out.String(), "MOTCUA_SESSION_KEY       ****") {
		t.Fatalf("the session key is not masked:\n%s", out.String())
	}
	for _, bad := range []string{"MOTCUA_SESSION_KEY=abcd", "MOTCUA_SESSION_KEY=" + strings.Repeat("zz", 32), "MOTCUA_SECURE_COOKIES=maybe"} {
		if _, err := Load([]string{bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestReplicaURLAndSimpleProtocol(t *testing.T) {
	c, err := Load([]string{"DATABASE_REPLICA_URL=postgres://ro:l0ng-s3cret@replica:5432/motcua", "MOTCUA_DB_SIMPLE_PROTOCOL=true"})
	if err != nil || c.DatabaseReplicaURL != "postgres://ro:l0ng-s3cret@replica:5432/motcua" || !c.DBSimpleProtocol {
		t.Fatalf("replica %q simple %v err %v", c.DatabaseReplicaURL, c.DBSimpleProtocol, err)
	}
	var out strings.Builder
	c.Print(&out)
	if strings.Contains(out.String(), "l0ng-s3cret") || !strings.Contains(out.String(), "postgres://ro:****@replica:5432/motcua") {
		t.Fatalf("the replica's password is not masked:\n%s", out.String())
	}
	if _, err := Load([]string{"MOTCUA_DB_SIMPLE_PROTOCOL=maybe"}); err == nil || !strings.Contains(err.Error(), "MOTCUA_DB_SIMPLE_PROTOCOL") {
		t.Fatalf("a bad MOTCUA_DB_SIMPLE_PROTOCOL: %v", err)
	}
}
