// Package demo seeds a realistic deployment for `serve --demo`: the service
// catalog, regulators of the approval stages' departments, and demo users
// of every role. Seeding is idempotent: running it again changes nothing.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// Deps are the services the seed goes through (never raw inserts, so the
// demo data obeys the same rules as real data).
type Deps struct {
	Auth     *auth.Service
	Catalog  *registry.Catalog
	Registry *registry.Registry
	Files    *files.Service
	Now      func() time.Time
	// NewHall builds a hall service on the same store running on the given
	// clock, so demo projects can be taken through their past steps.
	NewHall func(now func() time.Time) *hall.Service
	// NewScoring builds a supervision service on the given clock.
	NewScoring func(now func() time.Time) *scoring.Service
}

// Login is a demo account to print at start-up.
type Login struct {
	Login, Password, Label string
}

// DemoPassword is the password of every demo account; the demo is for
// trying the product, never for production data.
const DemoPassword = "demo-pass-2026"

// regulators are one department per approval stage, plus the government
// service centre that runs the platform's supervision.
var regulators = []struct {
	login, org, dept, region string
	stage                    registry.Stage
}{
	{"reg-fgw", "兰州市发展和改革委员会", "投资审批科", "620100", registry.StageInitiation},
	{"reg-zrzy", "兰州市自然资源局", "用地审批科", "620100", registry.StageLandUse},
	{"reg-sthj", "兰州市生态环境局", "环评审批科", "620100", registry.StagePlanning},
	{"reg-zjj", "兰州市住房和城乡建设局", "建筑市场监管科", "620100", registry.StageConstruction},
	{"reg-qxj", "兰州市气象局", "法规与减灾科", "620100", registry.StageCompletion},
	{"reg-zwfw", "兰州市政务服务中心", "中介服务监管科", "620100", ""},
}

// Seed loads the demo data and returns the logins to print.
func Seed(ctx context.Context, d Deps) ([]Login, error) {
	items, err := catalogItems()
	if err != nil {
		return nil, err
	}
	existing, err := d.Catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, it := range existing {
		have[it.Code] = true
	}
	for _, it := range items {
		if have[it.Code] {
			continue // never overwrite an admin's edits
		}
		if _, err := d.Catalog.Put(ctx, it); err != nil {
			return nil, fmt.Errorf("service item %s: %w", it.Name, err)
		}
	}

	if err := d.Registry.RefreshCatalog(ctx); err != nil {
		return nil, err
	}
	var logins []Login
	for _, r := range regulators {
		org := auth.Org{ID: "regulator:" + r.login, Kind: auth.OrgRegulator, Name: r.org, Department: r.dept, Region: r.region}
		u := auth.User{ID: r.login, Name: r.org + r.dept, Role: auth.RoleRegulator}
		if _, err := d.Auth.EnsureAccount(ctx, org, u, DemoPassword); err != nil {
			return nil, fmt.Errorf("regulator %s: %w", r.login, err)
		}
		label := "监管部门 · " + r.org
		if r.stage != "" {
			label += "（" + string(r.stage) + "）"
		}
		logins = append(logins, Login{r.login, DemoPassword, label})
	}
	for _, a := range demoAccounts() {
		if _, err := d.Auth.EnsureAccount(ctx, a.org, a.user, DemoPassword); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.user.ID, err)
		}
		logins = append(logins, Login{a.user.ID, DemoPassword, a.org.Kind.Label() + " · " + a.org.Name})
	}
	items, err = d.Catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	if err := seedAgencies(ctx, d, items); err != nil {
		return nil, err
	}
	if err := seedProjects(ctx, d, items); err != nil {
		return nil, err
	}
	if err := seedSupervision(ctx, d); err != nil {
		return nil, fmt.Errorf("demo supervision: %w", err)
	}
	return logins, nil
}

type account struct {
	org  auth.Org
	user auth.User
}

// demoAccounts are an owner and an agency with valid credit codes.
func demoAccounts() []account {
	owner := usccFor("91620102", "MA71XK3L0")
	agency := usccFor("91620103", "MA72PB6R1")
	return []account{
		{auth.Org{ID: auth.OrgID(auth.OrgOwner, owner), Kind: auth.OrgOwner, Name: "兰州新区城市发展投资集团有限公司", USCC: owner,
			Region: "620102", Contact: "王建华", Phone: "0931-8881234"},
			auth.User{ID: "owner", Name: "王建华", Role: auth.RoleOwner}},
		{auth.Org{ID: auth.OrgID(auth.OrgAgency, agency), Kind: auth.OrgAgency, Name: "甘肃陇原工程咨询有限公司", USCC: agency,
			Region: "620103", Contact: "李静", Phone: "0931-8765432"},
			auth.User{ID: "agency", Name: "李静", Role: auth.RoleAgency}},
	}
}

// usccFor completes a credit code from its first 17 characters.
func usccFor(head, tail string) string {
	first := head + tail
	c, ok := registry.USCCCheckChar(first)
	if !ok || len(first) != 17 {
		panic("demo: bad credit code stem " + first)
	}
	return first + string(c)
}
