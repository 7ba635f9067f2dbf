package registry

import (
	"strings"
)

// usccAlphabet is the 31-character set of GB 32100-2015 (no I, O, S, V, Z).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the position weights 3^(i) mod 31 for the first 17 characters.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeUSCC trims spaces and upper-cases a unified social credit code.
func NormalizeUSCC(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// ValidateUSCC checks a unified social credit code (统一社会信用代码) against
// GB 32100-2015: length, alphabet, registration authority and type codes,
// the embedded administrative division code, and the check character.
// It returns a Chinese message describing the first problem, or "" when valid.
func ValidateUSCC(code string) string {
	if len(code) != 18 {
		return "统一社会信用代码应为 18 位"
	}
	var vals [18]int
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return "统一社会信用代码含有非法字符（不使用 I、O、S、V、Z）"
		}
		vals[i] = v
	}
	if !validAuthorityType(code[0], code[1]) {
		return "统一社会信用代码的登记管理部门或机构类别代码无效"
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return "统一社会信用代码第 3–8 位应为行政区划代码"
		}
	}
	if ValidateRegion(code[2:8]) != "" {
		return "统一社会信用代码中的行政区划代码无效"
	}
	if check, _ := USCCCheckChar(code[:17]); code[17] != check {
		return "统一社会信用代码校验位不正确，请核对后重新输入"
	}
	return ""
}

// validAuthorityType checks the registration authority (position 1) and the
// organisation type (position 2) against the code table of GB 32100-2015.
func validAuthorityType(authority, kind byte) bool {
	types := map[byte]string{
		'1': "129",    // 机构编制: 机关, 事业单位, 其他
		'2': "19",     // 外交
		'3': "123459", // 司法行政
		'4': "19",     // 文化
		'5': "1239",   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
		'6': "129",    // 旅游
		'7': "129",    // 宗教
		'8': "19",     // 工会
		'9': "123",    // 工商: 企业, 个体工商户, 农民专业合作社
		'A': "19",     // 中央军委改革和编制办公室
		'N': "12349",  // 农业
		'Y': "1",      // 其他
	}
	allowed, ok := types[authority]
	return ok && strings.IndexByte(allowed, kind) >= 0
}

// USCCCheckChar computes the check character for the first 17 characters
// of a unified social credit code; ok is false if they use characters
// outside the code's alphabet.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], true
}
