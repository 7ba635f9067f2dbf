package registry

// provinceNames maps the first two digits of an administrative division code
// (GB/T 2260) to the province-level unit.
var provinceNames = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

// ValidateRegion checks the shape of a 6-digit administrative division code
// (行政区划代码): six digits whose first two name a province-level unit.
// The full county list changes every year, so only the structure is checked
// here; deployments restrict further through their configured region.
// It returns a Chinese message, or "" when valid.
func ValidateRegion(code string) string {
	if len(code) != 6 {
		return "行政区划代码应为 6 位数字"
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return "行政区划代码应为 6 位数字"
		}
	}
	if code == "100000" { // central-level bodies
		return ""
	}
	if _, ok := provinceNames[code[:2]]; !ok {
		return "行政区划代码的省级代码不存在"
	}
	return ""
}

// ProvinceName returns the province-level unit of a region code, or "".
func ProvinceName(code string) string {
	if len(code) < 2 {
		return ""
	}
	return provinceNames[code[:2]]
}
