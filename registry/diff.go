package registry

import (
	"fmt"
	"strings"
)

// FieldChange is one line of the diff a reviewer sees.
type FieldChange struct {
	Field string // Chinese field name
	Old   string
	New   string
}

// DiffProfiles lists what changed from a to b. With keyOnly it looks only at
// the fields whose change needs review: name, credit code, legal
// representative and qualifications.
func DiffProfiles(a, b Profile, keyOnly bool) []FieldChange {
	var out []FieldChange
	add := func(field, old, new string) {
		if old != new {
			out = append(out, FieldChange{field, old, new})
		}
	}
	add("机构名称", a.Name, b.Name)
	add("统一社会信用代码", a.USCC, b.USCC)
	add("法定代表人", a.LegalRep, b.LegalRep)
	if !keyOnly {
		add("所在地区", a.Region, b.Region)
		add("地址", a.Address, b.Address)
		add("联系人", a.Contact, b.Contact)
		add("联系电话", a.Phone, b.Phone)
		add("电子邮箱", a.Email, b.Email)
	}
	old := map[string]Qualification{}
	for _, q := range a.Qualifications {
		old[q.ID] = q
	}
	seen := map[string]bool{}
	for _, q := range b.Qualifications {
		seen[q.ID] = true
		prev, ok := old[q.ID]
		if !ok {
			add("资质（新增）", "", describeQualification(q))
			continue
		}
		add("资质（变更）", describeQualification(prev), describeQualification(q))
	}
	for _, q := range a.Qualifications {
		if !seen[q.ID] {
			add("资质（删除）", describeQualification(q), "")
		}
	}
	return out
}

func describeQualification(q Qualification) string {
	parts := []string{q.Type}
	if q.Level != "" {
		parts = append(parts, q.Level)
	}
	parts = append(parts, "证书 "+q.CertNo)
	if q.Issuer != "" {
		parts = append(parts, q.Issuer)
	}
	s := strings.Join(parts, " · ")
	s += fmt.Sprintf("，有效期 %s 至 %s", q.ValidFrom, q.ValidTo)
	if q.FileID != "" {
		s += "，扫描件 " + q.FileID
	}
	return s
}
