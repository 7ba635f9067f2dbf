package auth

import (
	"context"
	"strings"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// Agencies migrated from a legacy platform (registry.ImportMigrated) get
// their organisation at import, without users. The credit code is public,
// so registering with it proves nothing about who registers; letting the
// first registration claim an admitted agency would hand it to anyone who
// reads the directory. The legacy platform's passwords do not travel
// either. So a regulator, after checking the person's authority the way
// admission does (营业执照 and 授权委托书, at the service centre or by
// letter), opens the agency's first account with a temporary password,
// as admins do for regulator accounts; the agency's staff log in and
// change it.

// migratedOrgMessage answers a registration with the credit code of a
// migrated agency that has no account yet.
const migratedOrgMessage = "该机构已从原平台迁移至本平台，请携营业执照和授权委托书联系监管部门核验后开通账号"

// orgHasUsers reports whether any user belongs to the organisation.
func (s *Service) orgHasUsers(ctx context.Context, orgID string) (bool, error) {
	page, err := s.store.ListUsers(ctx, UserFilter{OrgID: orgID, Page: 1, PageSize: 1})
	if err != nil {
		return false, err
	}
	return page.Total > 0, nil
}

// OrgHasUsers reports whether an organisation has any account, so pages
// offer to open the first one of a migrated agency only when it has none.
func (s *Service) OrgHasUsers(ctx context.Context, orgID string) (bool, error) {
	return s.orgHasUsers(ctx, orgID)
}

// EnsureMigratedOrg creates the organisation of a migrated agency unless it
// exists. An existing one is accepted only while it has no users (an
// earlier import created it); one with users registered on this platform
// itself, and a migration must not take it over: that is a Conflict.
func (s *Service) EnsureMigratedOrg(ctx context.Context, org Org) error {
	if org.Kind != OrgAgency || org.ID != OrgID(OrgAgency, org.USCC) {
		return apperr.InvalidMsg("bad_org", "迁移机构的单位信息有误")
	}
	_, err := s.store.GetOrg(ctx, org.ID)
	if apperr.Is(err, apperr.KindNotFound) {
		org.CreatedAt = s.now().UTC()
		err = s.store.CreateOrg(ctx, org)
		if !apperr.Is(err, apperr.KindConflict) {
			return err
		}
		// Created meanwhile: check it like an existing one.
	} else if err != nil {
		return err
	}
	has, err := s.orgHasUsers(ctx, org.ID)
	if err != nil {
		return err
	}
	if has {
		return apperr.Conflict("registered_here", "该统一社会信用代码已在本平台注册账号，迁移数据不能覆盖；请核实是否为同一机构")
	}
	return nil
}

// MigrationHooks connect registry.ImportMigrated to organisation accounts:
// a migrated agency has the ID of its credit code's organisation, which the
// import creates without users (EnsureMigratedOrg).
func (s *Service) MigrationHooks() registry.MigrationHooks {
	return registry.MigrationHooks{
		AgencyID: func(uscc string) string { return OrgID(OrgAgency, uscc) },
		Prepare: func(ctx context.Context, a registry.Agency) error {
			p := a.Profile
			return s.EnsureMigratedOrg(ctx, Org{ID: a.ID, Kind: OrgAgency, Name: p.Name, USCC: p.USCC, Region: p.Region,
				Contact: p.Contact, Phone: p.Phone, Email: p.Email})
		},
	}
}

// AgencyAccountInput is a regulator's opening of a migrated agency's first
// account.
type AgencyAccountInput struct {
	OrgID    string
	Login    string
	Name     string // the staff member's name
	Email    string
	Phone    string
	Password string // temporary; told to the person, who changes it
}

// OpenAgencyAccount creates the first account of an agency organisation
// that has none — a migrated agency — for regulators and admins. Once an
// agency has an account its own staff manage access, so a second opening is
// a Conflict.
func (s *Service) OpenAgencyAccount(ctx context.Context, p Principal, in AgencyAccountInput) (User, error) {
	if p.Role != RoleRegulator && p.Role != RoleAdmin {
		return User{}, apperr.Forbidden("只有监管部门可以为迁移机构开通账号")
	}
	in.Login, in.Name, in.Email, in.Phone = NormalizeLogin(in.Login), strings.TrimSpace(in.Name), strings.TrimSpace(in.Email), strings.TrimSpace(in.Phone)
	org, err := s.store.GetOrg(ctx, in.OrgID)
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return User{}, apperr.NotFound("中介机构单位")
		}
		return User{}, err
	}
	if org.Kind != OrgAgency {
		return User{}, apperr.InvalidMsg("not_agency", "只能为中介机构开通账号")
	}
	if p.Role == RoleRegulator {
		if err := (registry.Actor{Kind: registry.ActorRegulator, Region: p.Region}).InJurisdiction(org.Region, "机构"); err != nil {
			return User{}, err
		}
	}
	if has, err := s.orgHasUsers(ctx, org.ID); err != nil {
		return User{}, err
	} else if has {
		return User{}, apperr.Conflict("has_accounts", "该机构已有账号，由机构自行登录管理，不能再由监管部门开通")
	}
	v := apperr.Invalid()
	s.validateAccount(v, in.Login, in.Name, in.Email, in.Password)
	if len(in.Phone) > 30 {
		v.Field("phone", "联系电话过长")
	}
	if err := v.OrNil(); err != nil {
		return User{}, err
	}
	if _, err := s.store.GetUser(ctx, in.Login); err == nil {
		return User{}, apperr.Invalid().Field("login", "该登录名已被使用，请换一个")
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return User{}, err
	}
	hash, err := hashPassword(in.Password, s.cost)
	if err != nil {
		return User{}, err
	}
	u := User{ID: in.Login, OrgID: org.ID, Role: RoleAgency, Name: in.Name, Email: in.Email, Phone: in.Phone,
		PasswordHash: hash, CreatedAt: s.now().UTC()}
	if err := s.store.CreateUser(ctx, u); err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			return User{}, apperr.Invalid().Field("login", "该登录名已被使用，请换一个")
		}
		return User{}, err
	}
	return u, nil
}
