package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

// TestFlagUsageHidesSecrets: secrets given in the environment are used
// when their flags are absent, an explicit flag wins, and no usage text —
// serve -h, a mistyped flag, PrintDefaults — shows them.
func TestFlagUsageHidesSecrets(t *testing.T) {
	const (
		oidcSecret = "oidc-client-s3cret-7f2a"
		smtpPass   = "smtp-pa55-9c1e"
		mongoPass  = "mongo-pa55-4d8b"
		queryPass  = "blob-key-2b6f"
	)
	env := map[string]string{
		"AGENCYHALL_OIDC_CLIENT_SECRET": oidcSecret,
		"AGENCYHALL_SMTP_URL":           "smtps://mailer:" + smtpPass + "@smtp.example.gov.cn:465",
		"MONGODB_URI":                   "mongodb://agencyhall:" + mongoPass + "@db.example.gov.cn:27017/?replicaSet=rs0",
		"AGENCYHALL_BLOB_URL":           "s3://zjcs-files?region=cn-northwest-1&secret_key=" + queryPass,
	}
	getenv := func(k string) string { return env[k] }
	secrets := []string{oidcSecret, smtpPass, mongoPass, queryPass}

	usages := []struct {
		name  string
		print func(t *testing.T) string
	}{
		{"serve --help", func(t *testing.T) string {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), []string{"agencyhall", "serve", "--help"}, getenv, &stdout, &stderr); err == nil {
				t.Fatal("serve --help started the server")
			}
			return stdout.String() + stderr.String()
		}},
		{"a mistyped flag", func(t *testing.T) string {
			var buf bytes.Buffer
			var cfg config
			if err := newFlagSet("serve", &cfg, getenv, &buf).Parse([]string{"--smtp-ur", "x"}); err == nil {
				t.Fatal("a mistyped flag was accepted")
			}
			return buf.String()
		}},
		{"PrintDefaults of every command's flags", func(t *testing.T) string {
			var buf bytes.Buffer
			var cfg config
			fs := newFlagSet("dump", &cfg, getenv, &buf)
			if err := fs.Parse([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("-h: %v", err)
			}
			fs.PrintDefaults()
			return buf.String()
		}},
	}
	for _, u := range usages {
		t.Run(u.name, func(t *testing.T) {
			out := u.print(t)
			if !strings.Contains(out, "-oidc-client-secret") || !strings.Contains(out, "-smtp-url") {
				t.Fatalf("not the usage text:\n%s", out)
			}
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("usage shows the secret %q:\n%s", s, out)
				}
			}
			// What is not secret still helps to recognise the setting.
			for _, want := range []string{"smtps://mailer:xxxxx@smtp.example.gov.cn:465", "db.example.gov.cn:27017", `(default "******")`} {
				if !strings.Contains(out, want) {
					t.Errorf("usage lacks %q:\n%s", want, out)
				}
			}
		})
	}

	values := []struct {
		name       string
		args       []string
		oidc, smtp string
		mongo      string
	}{
		{"from the environment", nil, oidcSecret, env["AGENCYHALL_SMTP_URL"], env["MONGODB_URI"]},
		{"explicit flags win", []string{"--oidc-client-secret", "from-the-flag", "--smtp-url", "smtp://relay.internal:25?starttls=off",
			"--mongo-uri", "mongodb://localhost:27017"}, "from-the-flag", "smtp://relay.internal:25?starttls=off", "mongodb://localhost:27017"},
		{"an explicit empty flag wins too", []string{"--smtp-url="}, oidcSecret, "", env["MONGODB_URI"]},
	}
	for _, tc := range values {
		t.Run(tc.name, func(t *testing.T) {
			var cfg config
			if err := newFlagSet("serve", &cfg, getenv, io.Discard).Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if cfg.OIDCClientSecret != tc.oidc || cfg.SMTPURL != tc.smtp || cfg.MongoURI != tc.mongo {
				t.Errorf("secret %q, smtp %q, mongo %q", cfg.OIDCClientSecret, cfg.SMTPURL, cfg.MongoURI)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"smtp://relay.example.gov.cn:587", "smtp://relay.example.gov.cn:587"},
		{"smtp://noreply@relay.example.gov.cn:587", "smtp://noreply@relay.example.gov.cn:587"},
		{"smtps://u:p%40ss@h:465", "smtps://u:xxxxx@h:465"},
		{"mongodb://a:b@h1,h2/?replicaSet=rs0&authSource=admin", "mongodb://a:xxxxx@h1,h2/?replicaSet=rs0&authSource=admin"},
		{"s3://bucket?Password=x&region=r", "s3://bucket?Password=xxxxx&region=r"},
		{"::not a url", maskedSecret},
	}
	for _, tc := range tests {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
