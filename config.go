package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/registry"
)

// config is what serve and the other commands read from flags, each with an
// AGENCYHALL_* environment fallback.
type config struct {
	Addr          string
	DataDir       string
	MongoURI      string
	DB            string
	Demo          bool
	LogFormat     string
	BaseURL       string
	SecureCookies bool
	SiteName      string
	Region        string
	BlobURL       string
	QuoteKeyFile  string
	ReviewRegions string
	OCDSPrefix    string
	SMTPURL       string // --smtp-url: where e-mail is sent (none when empty)
	MailFrom      string // --mail-from
	// 统一身份认证 (OpenID Connect), config_oidc.go; off without an issuer.
	OIDCIssuer       string // --oidc-issuer
	OIDCClientID     string // --oidc-client-id
	OIDCClientSecret string // --oidc-client-secret
	OIDCUSCCClaim    string // --oidc-usccclaim
	OIDCName         string // --oidc-name: the login button
	OIDCScopes       string // --oidc-scopes

	// bulkLoad opens the embedded engine for filling a database that can
	// be made again (gen): see mongostore.EmbeddedOptions.Bulk. No flag.
	bulkLoad bool
}

// mailer builds the SMTP sender of --smtp-url and --mail-from; nil when
// no server is configured (the platform then sends no e-mail).
func (c *config) mailer() (*notify.SMTPMailer, error) {
	if strings.TrimSpace(c.SMTPURL) == "" {
		return nil, nil
	}
	return notify.ParseSMTP(strings.TrimSpace(c.SMTPURL), c.MailFrom, c.SiteName)
}

// reviewRegions parses --review-regions.
func (c *config) reviewRegions() ([]string, error) {
	var out []string
	for _, r := range strings.Split(c.ReviewRegions, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if msg := registry.ValidateRegion(r); msg != "" {
			return nil, fmt.Errorf("--review-regions: %s: %s", r, msg)
		}
		out = append(out, r)
	}
	return out, nil
}

// quoteKeyFile is where the quote sealing key lives.
func (c *config) quoteKeyFile() string {
	if c.QuoteKeyFile != "" {
		return c.QuoteKeyFile
	}
	return filepath.Join(c.DataDir, "keys", "quote.key")
}

func newFlagSet(name string, cfg *config, getenv func(string) string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, env, def, help string) {
		if v := getenv(env); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, help+" (环境变量 "+env+")")
	}
	boolean := func(p *bool, name, env string, help string) {
		def := false
		if v, err := strconv.ParseBool(getenv(env)); err == nil {
			def = v
		}
		fs.BoolVar(p, name, def, help+" (环境变量 "+env+")")
	}
	mongoDefault := getenv("MONGODB_URI")
	str(&cfg.Addr, "addr", "AGENCYHALL_ADDR", ":8080", "HTTP 监听地址")
	str(&cfg.DataDir, "data-dir", "AGENCYHALL_DATA_DIR", "./data", "数据目录（内置数据库、文件、密钥）")
	str(&cfg.MongoURI, "mongo-uri", "AGENCYHALL_MONGO_URI", mongoDefault, "MongoDB 连接串；为空时启动内置数据库（也读 MONGODB_URI）")
	str(&cfg.DB, "db", "AGENCYHALL_DB", "agencyhall", "数据库名")
	boolean(&cfg.Demo, "demo", "AGENCYHALL_DEMO", "载入演示数据（可重复执行）")
	str(&cfg.LogFormat, "log-format", "AGENCYHALL_LOG_FORMAT", "text", "日志格式 text|json")
	str(&cfg.BaseURL, "base-url", "AGENCYHALL_BASE_URL", "", "对外访问地址，如 https://zjcs.example.gov.cn")
	boolean(&cfg.SecureCookies, "secure-cookies", "AGENCYHALL_SECURE_COOKIES", "Cookie 只经 HTTPS 发送（生产环境开启）")
	str(&cfg.SiteName, "site-name", "AGENCYHALL_SITE_NAME", "兰州市网上中介服务超市", "平台名称")
	str(&cfg.Region, "region", "AGENCYHALL_REGION", "620100", "平台所在行政区划代码")
	str(&cfg.QuoteKeyFile, "quote-key-file", "AGENCYHALL_QUOTE_KEY_FILE", "", "密封报价密钥文件（AES-256）；为空时为 <data-dir>/keys/quote.key，首次启动自动生成（权限 0600）")
	str(&cfg.ReviewRegions, "review-regions", "AGENCYHALL_REVIEW_REGIONS", "", "公告须经监管部门审核后才开放报名的行政区划代码，逗号分隔（为空则发布即开放）")
	str(&cfg.OCDSPrefix, "ocds-prefix", "AGENCYHALL_OCDS_PREFIX", "ocds-zjcs00", "开放数据 OCDS 标识前缀（向 Open Contracting Partnership 登记的 ocds-xxxxxx）")
	str(&cfg.BlobURL, "blob-url", "AGENCYHALL_BLOB_URL", "", "上传文件存储地址；为空时为 <data-dir>/files，s3://… 为 S3 兼容存储")
	str(&cfg.SMTPURL, "smtp-url", "AGENCYHALL_SMTP_URL", "", "发送通知邮件的 SMTP 服务器：smtp://用户:密码@主机:587（STARTTLS）或 smtps://用户:密码@主机:465（TLS）；为空则不发邮件")
	str(&cfg.MailFrom, "mail-from", "AGENCYHALL_MAIL_FROM", "", "通知邮件的发件人，如 noreply@zjcs.example.gov.cn（配置 --smtp-url 时必填）")
	str(&cfg.OIDCIssuer, "oidc-issuer", "AGENCYHALL_OIDC_ISSUER", "", "统一身份认证平台（OpenID Connect）的 issuer 地址；为空则只用账号密码登录")
	str(&cfg.OIDCClientID, "oidc-client-id", "AGENCYHALL_OIDC_CLIENT_ID", "", "在统一身份认证平台登记的 client_id")
	str(&cfg.OIDCClientSecret, "oidc-client-secret", "AGENCYHALL_OIDC_CLIENT_SECRET", "", "在统一身份认证平台登记的 client_secret（建议用环境变量传入）")
	str(&cfg.OIDCUSCCClaim, "oidc-usccclaim", "AGENCYHALL_OIDC_USCCCLAIM", oidcDefaultUSCCClaim, "身份令牌中单位统一社会信用代码的声明（claim）名")
	str(&cfg.OIDCName, "oidc-name", "AGENCYHALL_OIDC_NAME", oidcDefaultName, "登录页上统一身份认证按钮的文字")
	str(&cfg.OIDCScopes, "oidc-scopes", "AGENCYHALL_OIDC_SCOPES", oidcDefaultScopes, "向统一身份认证平台申请的 scope，空格分隔（总含 openid）")
	// The environment value is each flag's default, so that it applies
	// when the flag is absent and an explicit flag still wins — but the
	// usage text (-h, or any bad flag) prints defaults: secrets must not
	// be in them. Only the printed default changes, never the value.
	hideDefault(fs, "oidc-client-secret", func(string) string { return maskedSecret })
	for _, name := range []string{"smtp-url", "mongo-uri", "blob-url"} {
		hideDefault(fs, name, redactURL)
	}
	return fs
}

// maskedSecret is what the usage text shows for a secret set in the
// environment.
const maskedSecret = "******"

// hideDefault replaces the default a flag's usage line prints.
func hideDefault(fs *flag.FlagSet, name string, redact func(string) string) {
	if f := fs.Lookup(name); f != nil && f.DefValue != "" {
		f.DefValue = redact(f.DefValue)
	}
}

// redactURL hides the password of a URL (smtp://user:xxxxx@host …),
// keeping what helps to recognise the setting; anything that does not
// parse is hidden whole, since it may be a secret typed wrongly.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return maskedSecret
	}
	for k := range u.Query() { // a password passed as a parameter
		if lk := strings.ToLower(k); strings.Contains(lk, "pass") || strings.Contains(lk, "secret") || strings.Contains(lk, "token") || strings.Contains(lk, "key") {
			q := u.Query()
			q.Set(k, "xxxxx")
			u.RawQuery = q.Encode()
		}
	}
	return u.Redacted() // user:xxxxx@
}

// ocdsPrefix is the form of prefixes the Open Contracting Partnership assigns.
var ocdsPrefix = regexp.MustCompile(`^ocds-[a-z0-9]{6}$`)

func (c *config) validate() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format 应为 text 或 json，而不是 %q", c.LogFormat)
	}
	if !ocdsPrefix.MatchString(c.OCDSPrefix) {
		return fmt.Errorf("--ocds-prefix 应为 ocds- 加 6 位小写字母或数字（向 Open Contracting Partnership 登记），而不是 %q", c.OCDSPrefix)
	}
	if c.DB == "" || strings.ContainsAny(c.DB, `/\. "$`) {
		return fmt.Errorf("--db 数据库名无效: %q", c.DB)
	}
	if _, err := c.mailer(); err != nil {
		return err
	}
	if _, err := c.oidcClient(); err != nil {
		return err
	}
	return nil
}

func (c *config) dbDir() string { return filepath.Join(c.DataDir, "db") }

func (c *config) logger(w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// version is the module version, or the VCS revision for a development build.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
