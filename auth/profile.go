package auth

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// OrgProfileInput is what an organisation's own users may change. The
// credit code is the organisation's identity and never changes here.
type OrgProfileInput struct {
	Name    string
	Region  string
	Contact string
	Phone   string
	Email   string
}

// UpdateOwnOrg lets an owner's users manage their organisation profile
// (owners need no review, DESIGN.md §2.1). Agencies change theirs through
// the registry, where key changes are reviewed.
func (s *Service) UpdateOwnOrg(ctx context.Context, p Principal, in OrgProfileInput) (Org, error) {
	if p.Role != RoleOwner {
		return Org{}, apperr.Forbidden("只有项目业主可以在此修改单位信息")
	}
	in.Name, in.Region, in.Contact, in.Phone, in.Email =
		strings.TrimSpace(in.Name), strings.TrimSpace(in.Region), strings.TrimSpace(in.Contact), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Email)
	v := apperr.Invalid()
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		v.Field("name", "请填写单位名称（100 字以内）")
	}
	if msg := registry.ValidateRegion(in.Region); msg != "" {
		v.Field("region", msg)
	}
	if utf8.RuneCountInString(in.Contact) > 50 {
		v.Field("contact", "联系人不能超过 50 个字")
	}
	if len(in.Phone) > 30 {
		v.Field("phone", "联系电话过长")
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil {
			v.Field("email", "电子邮箱格式不正确")
		}
	}
	if err := v.OrNil(); err != nil {
		return Org{}, err
	}
	return s.store.UpdateOrg(ctx, p.OrgID, func(o *Org) error {
		o.Name, o.Region, o.Contact, o.Phone, o.Email = in.Name, in.Region, in.Contact, in.Phone, in.Email
		return nil
	})
}
