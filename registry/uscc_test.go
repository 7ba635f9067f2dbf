package registry_test

import (
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/registry"
)

// Real codes of registered organisations, each checked independently of
// this package against GB 32100-2015 (weights 3^i mod 31, check character
// (31 − Σ mod 31) mod 31).
var validUSCCs = []struct {
	code, who string
}{
	{"91350100M000100Y43", "the worked example of GB 32100-2015"},
	{"9144030071526726XG", "深圳市腾讯计算机系统有限公司"},
	{"914403001922038216", "华为技术有限公司"},
	{"91330100716105852F", "阿里巴巴（中国）有限公司"},
	{"911100007109250324", "an enterprise registered in 北京市"},
	{"91110108551385082Q", "北京小米科技有限责任公司"},
}

func TestValidateUSCCAcceptsRealCodes(t *testing.T) {
	for _, tc := range validUSCCs {
		t.Run(tc.code, func(t *testing.T) {
			if msg := registry.ValidateUSCC(tc.code); msg != "" {
				t.Fatalf("%s (%s): %s", tc.code, tc.who, msg)
			}
		})
	}
}

// withCheck replaces the last character of an 18-character code with the
// correct check character, so a case can break exactly one rule.
func withCheck(t *testing.T, code string) string {
	t.Helper()
	c, ok := registry.USCCCheckChar(code[:17])
	if !ok {
		t.Fatalf("cannot compute a check character for %q", code)
	}
	return code[:17] + string(c)
}

func TestValidateUSCCRejects(t *testing.T) {
	const (
		msgLength    = "统一社会信用代码应为 18 位"
		msgChar      = "统一社会信用代码含有非法字符（不使用 I、O、S、V、Z）"
		msgAuthority = "统一社会信用代码的登记管理部门或机构类别代码无效"
		msgRegionPos = "统一社会信用代码第 3–8 位应为行政区划代码"
		msgRegion    = "统一社会信用代码中的行政区划代码无效"
		msgCheck     = "统一社会信用代码校验位不正确，请核对后重新输入"
	)
	cases := []struct {
		name string
		code string // "fix:" prefix: give it a correct check character first
		want string
	}{
		{"empty", "", msgLength},
		{"17 characters", "91350100M000100Y4", msgLength},
		{"19 characters", "91350100M000100Y430", msgLength},
		{"spaces are not trimmed by the validator", " 91350100M000100Y43", msgLength},
		{"full-width digits", "９１350100M000100Y43", msgLength},
		{"letter I", "91350100M00I100Y43", msgChar},
		{"letter O", "91350100M00O100Y43", msgChar},
		{"letter S", "91350100M00S100Y43", msgChar},
		{"letter V", "91350100M00V100Y43", msgChar},
		{"letter Z", "91350100M00Z100Y43", msgChar},
		{"Z as check character", "91350100M000100Y4Z", msgChar},
		{"hyphen", "91350100-000100Y43", msgChar},
		{"lower case (normalise first)", "91350100m000100y43", msgChar},
		{"authority 0 does not exist", "fix:01350100M000100Y43", msgAuthority},
		{"authority B does not exist", "fix:B1350100M000100Y43", msgAuthority},
		{"type 4 under 工商", "fix:94350100M000100Y43", msgAuthority},
		{"type 3 under 机构编制", "fix:13350100M000100Y43", msgAuthority},
		{"type 2 under 其他", "fix:Y2350100M000100Y43", msgAuthority},
		{"type 0", "fix:90350100M000100Y43", msgAuthority},
		{"letter inside the region code", "fix:9135A100M000100Y43", msgRegionPos},
		{"letter at the end of the region code", "fix:9135010AM000100Y43", msgRegionPos},
		{"province 99 does not exist", "fix:91990100M000100Y43", msgRegion},
		{"province 00", "fix:91000000M000100Y43", msgRegion},
		{"wrong check character", "91350100M000100Y44", msgCheck},
		{"two digits swapped", "91350100M000010Y43", msgCheck},
		{"one digit changed", "914403001922038217", msgCheck},
		{"Tencent with another check letter", "9144030071526726XH", msgCheck},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code := tc.code
			if rest, ok := strings.CutPrefix(code, "fix:"); ok {
				code = withCheck(t, rest)
			}
			if got := registry.ValidateUSCC(code); got != tc.want {
				t.Fatalf("ValidateUSCC(%q) = %q, want %q", code, got, tc.want)
			}
		})
	}
}

func TestNormalizeUSCC(t *testing.T) {
	cases := []struct{ in, want string }{
		{"91350100m000100y43", "91350100M000100Y43"},
		{"  9144030071526726xg\t", "9144030071526726XG"},
		{"\n91330100716105852f ", "91330100716105852F"},
		{"914403001922038216", "914403001922038216"},
		{"", ""},
	}
	for _, tc := range cases {
		got := registry.NormalizeUSCC(tc.in)
		if got != tc.want {
			t.Errorf("NormalizeUSCC(%q) = %q, want %q", tc.in, got, tc.want)
			continue
		}
		if tc.want != "" {
			if msg := registry.ValidateUSCC(got); msg != "" {
				t.Errorf("normalised %q is rejected: %s", got, msg)
			}
		}
	}
}

func TestUSCCCheckChar(t *testing.T) {
	for _, tc := range validUSCCs {
		c, ok := registry.USCCCheckChar(tc.code[:17])
		if !ok || c != tc.code[17] {
			t.Errorf("USCCCheckChar(%q) = %q, %v; want %q", tc.code[:17], c, ok, tc.code[17])
		}
	}
	for _, bad := range []string{"", "9135010", "91350100M000100Y43", "91350100M00I100Y4", "91350100m000100y4"} {
		if _, ok := registry.USCCCheckChar(bad); ok {
			t.Errorf("USCCCheckChar(%q) accepted input it cannot compute", bad)
		}
	}
}

// Every single-character substitution of a valid code must fail: the check
// character catches all of them (positions 1–8 may fail earlier rules).
func TestValidateUSCCCatchesEverySingleSubstitution(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for _, tc := range validUSCCs {
		for i := 0; i < 18; i++ {
			for j := 0; j < len(alphabet); j++ {
				if alphabet[j] == tc.code[i] {
					continue
				}
				mutated := tc.code[:i] + string(alphabet[j]) + tc.code[i+1:]
				if registry.ValidateUSCC(mutated) == "" {
					t.Fatalf("%s with position %d changed to %c (%s) is accepted", tc.code, i+1, alphabet[j], mutated)
				}
			}
		}
	}
}
