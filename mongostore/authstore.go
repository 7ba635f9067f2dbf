package mongostore

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

type orgDoc struct {
	ID         string    `bson:"_id"`
	Kind       string    `bson:"kind"`
	Name       string    `bson:"name"`
	USCC       string    `bson:"uscc,omitempty"`
	Region     string    `bson:"region,omitempty"`
	Department string    `bson:"department,omitempty"`
	Contact    string    `bson:"contact,omitempty"`
	Phone      string    `bson:"phone,omitempty"`
	Email      string    `bson:"email,omitempty"`
	CreatedAt  time.Time `bson:"created_at"`
	Registrant string    `bson:"registrant,omitempty"`
	DocVersion `bson:",inline"`
}

func orgToDoc(o auth.Org) orgDoc {
	return orgDoc{ID: o.ID, Kind: string(o.Kind), Name: o.Name, USCC: o.USCC, Region: o.Region, Department: o.Department,
		Contact: o.Contact, Phone: o.Phone, Email: o.Email, CreatedAt: o.CreatedAt, Registrant: o.Registrant}
}

func (d orgDoc) toOrg() auth.Org {
	return auth.Org{ID: d.ID, Kind: auth.OrgKind(d.Kind), Name: d.Name, USCC: d.USCC, Region: d.Region, Department: d.Department,
		Contact: d.Contact, Phone: d.Phone, Email: d.Email, CreatedAt: d.CreatedAt, Registrant: d.Registrant}
}

type userDoc struct {
	ID           string    `bson:"_id"`
	OrgID        string    `bson:"org_id"`
	Role         string    `bson:"role"`
	Name         string    `bson:"name"`
	Email        string    `bson:"email,omitempty"`
	Phone        string    `bson:"phone,omitempty"`
	PasswordHash string    `bson:"password_hash"`
	Disabled     bool      `bson:"disabled"`
	CreatedAt    time.Time `bson:"created_at"`
	LastLoginAt  time.Time `bson:"last_login_at"`
	DocVersion   `bson:",inline"`
}

func userToDoc(u auth.User) userDoc {
	return userDoc{ID: u.ID, OrgID: u.OrgID, Role: string(u.Role), Name: u.Name, Email: u.Email, Phone: u.Phone,
		PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt}
}

func (d userDoc) toUser() auth.User {
	return auth.User{ID: d.ID, OrgID: d.OrgID, Role: auth.Role(d.Role), Name: d.Name, Email: d.Email, Phone: d.Phone,
		PasswordHash: d.PasswordHash, Disabled: d.Disabled, CreatedAt: d.CreatedAt, LastLoginAt: d.LastLoginAt}
}

type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CSRF      string    `bson:"csrf"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

type tokenDoc struct {
	ID         string    `bson:"_id"`
	UserID     string    `bson:"user_id"`
	Name       string    `bson:"name"`
	Prefix     string    `bson:"prefix"`
	CreatedAt  time.Time `bson:"created_at"`
	LastUsedAt time.Time `bson:"last_used_at"`
	DocVersion `bson:",inline"`
}

func (d tokenDoc) toToken() auth.APIToken {
	return auth.APIToken{ID: d.ID, UserID: d.UserID, Name: d.Name, Prefix: d.Prefix, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt}
}

type throttleDoc struct {
	ID          string      `bson:"_id"`
	Failures    []time.Time `bson:"failures"`
	LockedUntil time.Time   `bson:"locked_until"`
	DocVersion  `bson:",inline"`
}

// AuthStore implements auth.Store.
type AuthStore struct{ s *Store }

// Auth returns the account store.
func (s *Store) Auth() *AuthStore { return &AuthStore{s: s} }

var _ auth.Store = (*AuthStore)(nil)

func (a *AuthStore) CreateOrg(ctx context.Context, o auth.Org) error {
	d := orgToDoc(o)
	d.Version = 1
	return insertDoc(ctx, a.s, collOrgs, "单位", d)
}

func (a *AuthStore) GetOrg(ctx context.Context, id string) (auth.Org, error) {
	d, err := getDoc[orgDoc](ctx, a.s, collOrgs, id, "单位")
	return d.toOrg(), err
}

func (a *AuthStore) UpdateOrg(ctx context.Context, id string, fn func(*auth.Org) error) (auth.Org, error) {
	d, err := updateDoc(ctx, a.s, collOrgs, id, "单位", func(d *orgDoc) error {
		o := d.toOrg()
		if err := fn(&o); err != nil {
			return err
		}
		v := d.Version
		*d = orgToDoc(o)
		d.ID, d.Version = id, v
		return nil
	})
	return d.toOrg(), err
}

func (a *AuthStore) DeleteOrg(ctx context.Context, id string) error {
	_, err := a.s.coll(collOrgs).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "单位")
}

func (a *AuthStore) ListOrgs(ctx context.Context, f auth.OrgFilter) (auth.Page[auth.Org], error) {
	filter := bson.D{}
	if f.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: string(f.Kind)})
	}
	q := strings.TrimSpace(f.Query)
	page, err := findPage(ctx, a.s, collOrgs, "单位", filter, bson.D{{Key: "created_at", Value: -1}}, f.Page, f.PageSize,
		func(d orgDoc) bool {
			return q == "" || strings.Contains(d.Name, q) || strings.Contains(d.USCC, strings.ToUpper(q))
		})
	out := auth.Page[auth.Org]{Total: page.total, Page: f.Page, PageSize: f.PageSize}
	for _, d := range page.items {
		out.Items = append(out.Items, d.toOrg())
	}
	return out, err
}

func (a *AuthStore) CountOrgs(ctx context.Context, kind auth.OrgKind) (int, error) {
	filter := bson.D{}
	if kind != "" {
		filter = bson.D{{Key: "kind", Value: string(kind)}}
	}
	n, err := a.s.coll(collOrgs).CountDocuments(ctx, filter)
	return int(n), translate(err, "单位")
}

func (a *AuthStore) CreateUser(ctx context.Context, u auth.User) error {
	d := userToDoc(u)
	d.Version = 1
	return insertDoc(ctx, a.s, collUsers, "用户", d)
}

func (a *AuthStore) GetUser(ctx context.Context, id string) (auth.User, error) {
	d, err := getDoc[userDoc](ctx, a.s, collUsers, id, "用户")
	return d.toUser(), err
}

func (a *AuthStore) UpdateUser(ctx context.Context, id string, fn func(*auth.User) error) (auth.User, error) {
	d, err := updateDoc(ctx, a.s, collUsers, id, "用户", func(d *userDoc) error {
		u := d.toUser()
		if err := fn(&u); err != nil {
			return err
		}
		v := d.Version
		*d = userToDoc(u)
		d.ID, d.Version = id, v
		return nil
	})
	return d.toUser(), err
}

func (a *AuthStore) ListUsers(ctx context.Context, f auth.UserFilter) (auth.Page[auth.User], error) {
	filter := bson.D{}
	if f.Role != "" {
		filter = append(filter, bson.E{Key: "role", Value: string(f.Role)})
	}
	if f.OrgID != "" {
		filter = append(filter, bson.E{Key: "org_id", Value: f.OrgID})
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	page, err := findPage(ctx, a.s, collUsers, "用户", filter, bson.D{{Key: "created_at", Value: -1}}, f.Page, f.PageSize,
		func(d userDoc) bool {
			return q == "" || strings.Contains(d.ID, q) || strings.Contains(strings.ToLower(d.Name), q)
		})
	out := auth.Page[auth.User]{Total: page.total, Page: f.Page, PageSize: f.PageSize}
	for _, d := range page.items {
		out.Items = append(out.Items, d.toUser())
	}
	return out, err
}

func (a *AuthStore) AnyUser(ctx context.Context) (bool, error) {
	err := a.s.coll(collUsers).FindOne(ctx, bson.D{}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, translate(err, "用户")
}

func (a *AuthStore) CreateSession(ctx context.Context, s auth.Session) error {
	return insertDoc(ctx, a.s, collSessions, "会话", sessionDoc{ID: s.ID, UserID: s.UserID, CSRF: s.CSRF, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt})
}

func (a *AuthStore) GetSession(ctx context.Context, id string) (auth.Session, error) {
	d, err := getDoc[sessionDoc](ctx, a.s, collSessions, id, "会话")
	return auth.Session{ID: d.ID, UserID: d.UserID, CSRF: d.CSRF, CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}, err
}

func (a *AuthStore) DeleteSession(ctx context.Context, id string) error {
	_, err := a.s.coll(collSessions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "会话")
}

func (a *AuthStore) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := a.s.coll(collSessions).DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	return translate(err, "会话")
}

func (a *AuthStore) CreateToken(ctx context.Context, t auth.APIToken) error {
	return insertDoc(ctx, a.s, collTokens, "API 令牌", tokenDoc{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix,
		CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, DocVersion: DocVersion{Version: 1}})
}

func (a *AuthStore) GetToken(ctx context.Context, id string) (auth.APIToken, error) {
	d, err := getDoc[tokenDoc](ctx, a.s, collTokens, id, "API 令牌")
	return d.toToken(), err
}

func (a *AuthStore) ListTokens(ctx context.Context, userID string) ([]auth.APIToken, error) {
	page, err := findPage(ctx, a.s, collTokens, "API 令牌", bson.D{{Key: "user_id", Value: userID}},
		bson.D{{Key: "created_at", Value: -1}}, 1, 1000, func(tokenDoc) bool { return true })
	var out []auth.APIToken
	for _, d := range page.items {
		out = append(out, d.toToken())
	}
	return out, err
}

func (a *AuthStore) DeleteToken(ctx context.Context, id string) error {
	_, err := a.s.coll(collTokens).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "API 令牌")
}

func (a *AuthStore) TouchToken(ctx context.Context, id string, fn func(*auth.APIToken) error) error {
	_, err := updateDoc(ctx, a.s, collTokens, id, "API 令牌", func(d *tokenDoc) error {
		t := d.toToken()
		if err := fn(&t); err != nil {
			return err
		}
		d.LastUsedAt = t.LastUsedAt
		return nil
	})
	return err
}

func (a *AuthStore) GetThrottle(ctx context.Context, key string) (auth.Throttle, error) {
	d, err := getDoc[throttleDoc](ctx, a.s, collThrottles, key, "登录记录")
	if apperr.Is(err, apperr.KindNotFound) {
		return auth.Throttle{Key: key}, nil
	}
	return auth.Throttle{Key: key, Failures: d.Failures, LockedUntil: d.LockedUntil}, err
}

func (a *AuthStore) UpdateThrottle(ctx context.Context, key string, fn func(*auth.Throttle) error) (auth.Throttle, error) {
	d, err := upsertDoc(ctx, a.s, collThrottles, key, "登录记录", func() throttleDoc { return throttleDoc{ID: key} },
		func(d *throttleDoc) error {
			t := auth.Throttle{Key: key, Failures: d.Failures, LockedUntil: d.LockedUntil}
			if err := fn(&t); err != nil {
				return err
			}
			d.Failures, d.LockedUntil = t.Failures, t.LockedUntil
			return nil
		})
	return auth.Throttle{Key: key, Failures: d.Failures, LockedUntil: d.LockedUntil}, err
}
