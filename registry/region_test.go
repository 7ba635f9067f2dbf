package registry_test

import (
	"testing"

	"github.com/agencyhall/agencyhall/registry"
)

func TestValidateRegion(t *testing.T) {
	const (
		msgShape    = "行政区划代码应为 6 位数字"
		msgProvince = "行政区划代码的省级代码不存在"
	)
	cases := []struct {
		name, code, want string
	}{
		{"兰州市", "620100", ""},
		{"甘肃省", "620000", ""},
		{"北京市", "110000", ""},
		{"深圳市南山区", "440305", ""},
		{"新疆维吾尔自治区", "650000", ""},
		{"香港特别行政区", "810000", ""},
		{"澳门特别行政区", "820000", ""},
		{"central-level bodies", "100000", ""},
		{"empty", "", msgShape},
		{"five digits", "62010", msgShape},
		{"seven digits", "6201000", msgShape},
		{"letter", "62010A", msgShape},
		{"leading space", " 620100", msgShape},
		{"trailing space inside six", "62010 ", msgShape},
		{"full-width digits", "６２０１００", msgShape},
		{"minus sign", "-62010", msgShape},
		{"province 00", "000000", msgProvince},
		{"province 10 other than 100000", "101000", msgProvince},
		{"province 19", "190000", msgProvince},
		{"province 99", "990000", msgProvince},
		{"province 72", "720000", msgProvince},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := registry.ValidateRegion(tc.code); got != tc.want {
				t.Fatalf("ValidateRegion(%q) = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}

func TestProvinceName(t *testing.T) {
	cases := []struct{ code, want string }{
		{"620100", "甘肃省"},
		{"440305", "广东省"},
		{"110000", "北京市"},
		{"54", "西藏自治区"},
		{"990000", ""},
		{"6", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := registry.ProvinceName(tc.code); got != tc.want {
			t.Errorf("ProvinceName(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
}
